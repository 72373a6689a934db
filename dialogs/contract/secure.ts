import type { CertificateType, Replacement, VerifiedIdentity } from './domain';

/**
 * What the secure page does (docs/secure-step.md): every step that needs a secret. The flow asks
 * for one (the `secureStep` it emits); the page completes it with one of the SecureInput events.
 */
export type SecureStepKind = 'identity' | 'additional' | 'issuance' | 'registration' | 'renewal';

export interface SecureStepSpec {
  readonly kind: SecureStepKind;
  /** The journey it belongs to (its id), shown to agents and kept with the ticket. */
  readonly journey: string;
  /** Issuance and renewal: the kind of certificate. */
  readonly certificateType?: CertificateType;
  /** Reissue and renewal: the certificate the new one replaces. */
  readonly replaces?: Replacement;
}

/** What the flow learns of an issued certificate: never its key, never R. */
export interface IssuedCertificate {
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** The CA's id from the policy table (yessign, KICA …), or 'unknown'. */
  readonly ca: string;
  readonly type: CertificateType;
  readonly maskedName: string;
}

export interface RegisteredCertificate {
  readonly ca: string;
  readonly kind: string;
  readonly notAfter: string;
  readonly registeredAt: string;
}

/** Why a step on the page ended without its result; each has its own explanation in the chat. */
export type SecureFailure =
  | 'expired'
  | 'notYetValid'
  | 'revoked'
  | 'notYours'
  | 'corporate'
  | 'untrusted'
  | 'unsupported'
  | 'noRandom'
  | 'passwordLocked'
  | 'verificationLocked'
  | 'caRefused'
  /** Renewal: a valid certificate of this bank, but not yet within the renewal window before its expiry. */
  | 'notRenewable';

/**
 * How the secure page completes a step: delivered by the bot itself (a turn with no activity),
 * so no customer's channel can send them.
 */
export type SecureInput =
  | { type: 'IDENTITY_VERIFIED'; identity: VerifiedIdentity }
  | { type: 'ADDITIONAL_VERIFIED' }
  // oldStillValid: a renewal's new certificate was delivered, but revoking the old one failed (ours to fix).
  | { type: 'CERTIFICATE_ISSUED'; issued: IssuedCertificate; oldStillValid?: true }
  | { type: 'CERTIFICATE_REGISTERED'; registered: RegisteredCertificate }
  | { type: 'SECURE_FAILED'; step: SecureStepKind; reason: SecureFailure }
  | { type: 'SECURE_CANCELLED'; step: SecureStepKind }
  | { type: 'SECURE_EXPIRED'; step: SecureStepKind };
