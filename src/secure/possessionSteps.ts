import { createHash } from 'node:crypto';
import type { RegisteredCertificate as RegisteredFacts, SecureFailure, SecureStepSpec } from '../../dialogs/contract/secure';
import { lookupPolicy } from '../certificates/npki/certificatePolicies';
import { CertificateError, type CertificateFailure } from '../certificates/npki/certificateError';
import type { RegisteredCertificate } from '../certificates/stores/certificateRegistry';
import { unsealRrn } from '../identity/sealedIdentity';
import type { SecretBox } from '../state/secretBox';
import type { PasswordCounted, ProofChecked } from './secureApi';
import { SecureRefusal } from './secureRefusal';
import type { SecureSession } from './secureSessions';
import { ready } from './stepGuard';
import type { Edited } from './ticketBook';
import type { RenewingRecord } from './ticketRecord';

/** What the device proves: it holds the certificate's key (a signature over the ticket's challenge), and R for the VID. */
export interface PossessionRequest {
  readonly certificate: Uint8Array;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `challenge`. */
  readonly signature: Uint8Array;
  readonly challenge: Uint8Array;
  /** R from the key file, when it had one. */
  readonly randomNum?: Uint8Array;
  /** The customer the bank knows; none for a renewal by key, whose certificate on record names its owner. */
  readonly customerId?: string;
  /** The 주민등록번호, for the VID, within this call only; none for a renewal by key. */
  readonly idn?: string;
  /** Registration records the certificate; renewal only proves the key of one already on record. */
  readonly purpose: 'registration' | 'renewal';
  readonly actor: string;
  readonly conversationId?: string;
}

/** The certificate core's check of possession, chain, validity, revocation, policy and VID (CertificateService). */
export interface PossessionVerifier {
  /** Rejects with CertificateError, its reason telling which check failed. */
  verifyPossession(request: PossessionRequest): Promise<RegisteredCertificate>;
}

export interface ProofBody {
  readonly certificate: Uint8Array;
  readonly signature: Uint8Array;
  readonly randomNum?: Uint8Array;
}

export interface PossessionStepDependencies {
  readonly verifier: PossessionVerifier;
  readonly box: SecretBox;
  readonly clock: () => number;
}

/** Wrong passwords the device may report before the step ends locked, as in the chat before. */
export const PASSWORD_ATTEMPTS = 5;

/** How each refusal of the certificate core reads in the chat; a file without R has its own way forward ("send the NPKI folder"). */
const FAILURES: Readonly<Record<CertificateFailure, SecureFailure>> = {
  wrongPassword: 'unsupported',
  keyMismatch: 'notYours',
  notYetValid: 'notYetValid',
  expired: 'expired',
  untrustedChain: 'untrusted',
  revoked: 'revoked',
  unsupportedFile: 'unsupported',
  excessiveKeyProtection: 'unsupported',
  corruptFile: 'unsupported',
  fileTooLarge: 'unsupported',
  missingKey: 'unsupported',
  missingCertificate: 'unsupported',
  notPersonal: 'corporate',
  ownerMismatch: 'notYours',
  noRandom: 'noRandom',
  notRenewable: 'notRenewable',
};

/**
 * 타기관 등록 and 갱신 by proof of possession: the device opens the customer's files with the
 * password (which never leaves it), signs the ticket's challenge and sends the certificate, the
 * signature and R. Registration completes with the certificate registered; renewal goes on to the
 * issuance once the key of the certificate it renews is proven. A renewal without a known customer
 * (renewal by key, no 본인 인증) takes a proof of any certificate: the one on record names its owner
 * and what is renewed. Wrong passwords are counted here.
 */
export class PossessionSteps {
  constructor(private readonly deps: PossessionStepDependencies) {}

  /** `POST /secure/api/proof`. */
  async prove(session: SecureSession, proof: ProofBody): Promise<ProofChecked> {
    ready(session, 'registration', 'renewal');
    const { record } = session;
    const { customer, step, challenge } = record;
    const renewal = step.kind === 'renewal';
    // Registration checks the VID against the customer the bank knows; renewal by key needs nobody known.
    if (challenge === undefined || (customer === undefined && !renewal)) throw new SecureRefusal(409, 'noCustomer');
    if (renewal && record.proven === true) return { proven: true };
    // A renewal for a customer the bank knows is of the certificate they picked in the chat, no other; only one by key takes any.
    const picked = customer !== undefined || step.replaces !== undefined;
    if (renewal && picked && createHash('sha256').update(proof.certificate).digest('hex') !== step.replaces?.fingerprint)
      throw new SecureRefusal(409, 'otherCertificate');
    const now = new Date(this.deps.clock());
    let registered: RegisteredCertificate;
    try {
      registered = await this.deps.verifier.verifyPossession({
        ...proof,
        challenge: Buffer.from(challenge, 'base64'),
        ...(customer !== undefined && {
          customerId: customer.customerId,
          idn: unsealRrn(this.deps.box, customer.sealedRrn, now).revealDigits(),
        }),
        purpose: renewal ? 'renewal' : 'registration',
        actor: 'customer',
        conversationId: record.conversation.reference.conversation.id,
      });
    } catch (err) {
      if (!(err instanceof CertificateError)) throw err;
      const reason = FAILURES[err.reason];
      await session.change(() => ({
        result: undefined,
        end: { how: 'failed', event: { type: 'SECURE_FAILED', step: step.kind, reason } },
      }));
      return { failed: reason };
    }
    if (renewal) {
      const renewing = renewingOf(step, registered);
      await session.change((current) => ({ result: undefined, next: { ...current, proven: true, renewing } }));
      return { proven: true };
    }
    const event = { type: 'CERTIFICATE_REGISTERED', registered: registeredFacts(registered) } as const;
    await session.change(() => ({ result: undefined, end: { how: 'completed', event } }));
    return { registered: true };
  }

  /** `POST /secure/api/wrong-password`: the device could not open the files; the 5th time ends the step locked. */
  async wrongPassword(session: SecureSession): Promise<PasswordCounted> {
    ready(session, 'registration', 'renewal');
    return session.change((record): Edited<PasswordCounted> => {
      const wrongPasswords = record.wrongPasswords + 1;
      const next = { ...record, wrongPasswords };
      if (wrongPasswords < PASSWORD_ATTEMPTS) return { result: { attemptsLeft: PASSWORD_ATTEMPTS - wrongPasswords }, next };
      const event = { type: 'SECURE_FAILED', step: record.step.kind, reason: 'passwordLocked' } as const;
      return { result: { locked: true }, next, end: { how: 'failed', event } };
    });
  }
}

/**
 * What a proven renewal renews: the certificate on record (its owner, serial and kind), replaced as
 * superseded by a certificate that runs a year past it; the flow's pick when it made one.
 */
function renewingOf(step: SecureStepSpec, registered: RegisteredCertificate): RenewingRecord {
  const policy = registered.policyOid === undefined ? undefined : lookupPolicy(registered.policyOid);
  return {
    customerId: registered.customerId,
    serialNumber: registered.serialNumber,
    certificateType: step.certificateType ?? (policy?.kind === 'personalGeneral' ? 'personalGeneral' : 'personalBanking'),
    replaces: step.replaces ?? {
      mode: 'renewal',
      reason: 'superseded',
      fingerprint: registered.fingerprintSha256,
      notAfter: registered.notAfter.slice(0, 10),
    },
  };
}

/** What the chat learns of a registered certificate: its CA, kind and dates, never more. */
export function registeredFacts(registered: RegisteredCertificate): RegisteredFacts {
  const policy = registered.policyOid === undefined ? undefined : lookupPolicy(registered.policyOid);
  return {
    ca: policy?.ca ?? 'unknown',
    kind: policy?.kind ?? 'other',
    notAfter: registered.notAfter.slice(0, 10),
    registeredAt: registered.registeredAt.slice(0, 10),
  };
}
