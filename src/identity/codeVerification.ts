import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import type { OtpChallenge, OtpPurpose } from './oneTimePassword';
import type { SecretBox } from '../state/secretBox';
import type { IdentityProvider } from './identityProvider';
import { MobileNumber, phoneIdOf } from './phoneNumber';
import { unsealPhone, unsealRrn } from './sealedIdentity';
import type { CustomerAndPhone, VerificationLimits } from './verificationLimits';

/** Epoch ms in `retryAt` and `until`. */
export type CodeSending =
  | { readonly status: 'sent'; readonly challenge: OtpChallenge; readonly sandboxCode?: string }
  /** A code went to this phone less than 30 s ago, whoever asked. */
  | { readonly status: 'tooSoon'; readonly retryAt: number }
  /** 5 codes went to this phone within the hour. */
  | { readonly status: 'hourlyLimit'; readonly retryAt: number }
  /** 5 wrong codes, for this customer or this phone. */
  | { readonly status: 'locked'; readonly until: number };

export type CodeCheck =
  | { readonly result: 'ok' }
  | { readonly result: 'wrong'; readonly attemptsLeft: number }
  | { readonly result: 'expired' }
  /** This was the 5th wrong code, or the customer or phone was locked out meanwhile (elsewhere). */
  | { readonly result: 'locked'; readonly until: number };

export interface CodeVerificationDependencies {
  readonly identity: IdentityProvider;
  readonly limits: VerificationLimits;
  /** Opens the sealed phone and 주민등록번호, and keys the phone's id. */
  readonly box: SecretBox;
}

/**
 * 본인 인증 and 추가 인증 codes within the limits (issue G): the lockout first, then how often this
 * phone may get a code; wrong codes counted per customer and per phone, whatever challenge they
 * were typed for. The customer comes sealed (a VerifiedIdentity, or the details being verified).
 */
export class CodeVerification {
  constructor(private readonly deps: CodeVerificationDependencies) {}

  /** A code to the customer's phone; with `previous`, a resend of that challenge. */
  async send(customer: VerifiedIdentity, purpose: OtpPurpose, now: Date, previous?: OtpChallenge): Promise<CodeSending> {
    const { identity, limits, box } = this.deps;
    const phone = unsealPhone(box, customer.sealedPhone);
    const who = this.customerAndPhone(customer.customerId, phone);
    const lockedUntil = await limits.lockedUntil(who, now.getTime());
    if (lockedUntil !== undefined) return { status: 'locked', until: lockedUntil };
    const permission = await limits.reserveSend(who.phoneId, now.getTime());
    if (!permission.allowed) return { status: permission.reason, retryAt: permission.retryAt };
    const started =
      previous === undefined
        ? await identity.startVerification(
            { name: customer.name, rrn: unsealRrn(box, customer.sealedRrn, now), carrier: customer.carrier, phone, purpose },
            now,
          )
        : await identity.resend(previous, { carrier: customer.carrier, phone }, now);
    return { status: 'sent', challenge: started.challenge, sandboxCode: started.sandboxCode };
  }

  async check(
    customer: Pick<VerifiedIdentity, 'customerId' | 'sealedPhone'>,
    challenge: OtpChallenge,
    code: string,
    now: Date,
  ): Promise<CodeCheck> {
    const { identity, limits, box } = this.deps;
    const who = this.customerAndPhone(customer.customerId, unsealPhone(box, customer.sealedPhone));
    // A lock set meanwhile (in another conversation) holds even against the right code.
    const lockedUntil = await limits.lockedUntil(who, now.getTime());
    if (lockedUntil !== undefined) return { result: 'locked', until: lockedUntil };
    const outcome = await identity.checkCode(challenge, code, now);
    if (outcome.result === 'ok') await limits.recordRightCode(who);
    if (outcome.result !== 'wrong') return outcome;
    const counted = await limits.recordWrongCode(who, now.getTime());
    return counted.locked ? { result: 'locked', until: counted.until } : { result: 'wrong', attemptsLeft: counted.attemptsLeft };
  }

  /** Whom the limits count: the customer, and the phone by a keyed hash, never its digits. */
  private customerAndPhone(customerId: string, phone: MobileNumber): CustomerAndPhone {
    return { customerId, phoneId: phoneIdOf(phone, this.deps.box.hashKey('phone-id')) };
  }
}
