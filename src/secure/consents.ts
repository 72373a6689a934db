import type { SecureStepSpec } from '../../dialogs/contract/secure';
import type { ConsentId, ConsentTerm, Fee } from './secureApi';

/** The version of each consent's text (locales hold the texts); a new text gets a new version, and consents record it. */
const VERSIONS: Readonly<Record<ConsentId, string>> = {
  personalData: '2026-12',
  uniqueIdentifier: '2026-12',
  phoneVerification: '2026-12',
  fee: '2026-12',
};

/** The 범용 certificate's fee, in won. */
export const GENERAL_CERTIFICATE_FEE = 4_400;

/**
 * The sandbox's withdrawal account for the 범용 fee: nothing is charged. A bank names the
 * customer's own account here (from its core banking system).
 */
export const SANDBOX_WITHDRAWAL_ACCOUNT = 'SANDBOX 000-000000-00-000';

/** The fee a step charges, if any: issuing or renewing a 범용 certificate. */
export function feeOf(step: SecureStepSpec): Fee | undefined {
  const issues = step.kind === 'issuance' || step.kind === 'renewal';
  return issues && step.certificateType === 'personalGeneral'
    ? { amount: GENERAL_CERTIFICATE_FEE, account: SANDBOX_WITHDRAWAL_ACCOUNT }
    : undefined;
}

/**
 * What a step asks before it uses personal data: 본인 인증 all three; 추가 인증 the phone's; the
 * steps that hand the 주민등록번호 to the CA or check the VID with it, the first two; and the fee
 * before a 범용 certificate is issued.
 */
export function consentsFor(step: SecureStepSpec): ConsentTerm[] {
  const ids: ConsentId[] =
    step.kind === 'identity'
      ? ['personalData', 'uniqueIdentifier', 'phoneVerification']
      : step.kind === 'additional'
        ? ['phoneVerification']
        : ['personalData', 'uniqueIdentifier', ...(feeOf(step) === undefined ? [] : (['fee'] as const))];
  return ids.map((id) => ({ id, version: VERSIONS[id] }));
}

/** Whether every consent the step needs was given, in the version the step asks for. */
export function consentsGiven(step: SecureStepSpec, accepted: readonly ConsentTerm[]): boolean {
  return consentsFor(step).every((term) => accepted.some((given) => given.id === term.id && given.version === term.version));
}
