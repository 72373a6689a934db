import type { SealedFiles } from './events';
import type { OtpChallenge, OtpPurpose, OtpVerification } from '../src/identity/oneTimePassword';
import type { MobileCarrier } from '../src/identity/phoneNumber';

/** What the flow machines ask of the bot's services (their named actors); only masked, hashed and sealed data goes in, and secrets only within their turn. */
export interface SendCodeInput {
  readonly customerId: string;
  readonly name: string;
  readonly sealedRrn: string;
  readonly carrier: MobileCarrier;
  readonly sealedPhone: string;
  readonly purpose: OtpPurpose;
  /** When the customer asked for a new code: wrong attempts carry over, so resending cannot dodge the limit. */
  readonly previous?: OtpChallenge;
}

export type SendCodeOutput =
  | { readonly status: 'sent'; readonly challenge: OtpChallenge; readonly sandboxCode?: string }
  | { readonly status: 'tooSoon' }
  | { readonly status: 'locked'; readonly until: number };

export interface CheckCodeInput {
  readonly customerId: string;
  readonly challenge: OtpChallenge;
  /** Within this turn only; never put into context. */
  readonly code: string;
}

export type CheckCodeOutput = OtpVerification;

/** A new certificate password, checked against the rules within its turn. */
export interface CheckPasswordInput {
  readonly password: string;
  readonly birthDate: readonly string[];
  readonly sealedPhone: string;
}

export interface CheckPasswordOutput {
  /** Rule names from src/certificates/passwordPolicy.ts; empty when the password is acceptable. */
  readonly broken: readonly string[];
  /** A keyed hash, so the confirmation can be compared without keeping the password. */
  readonly fingerprint: string;
}

export interface IssueInput {
  readonly password: string;
  readonly fingerprint: string;
  readonly customerId: string;
  readonly name: string;
  readonly sealedRrn: string;
  readonly type: 'personalBanking' | 'personalGeneral';
}

export type IssueOutput =
  | { readonly status: 'mismatch' }
  | {
      readonly status: 'issued';
      readonly type: 'personalBanking' | 'personalGeneral';
      /** The CA's id from the policy table (yessign, KICA …), or 'unknown'. */
      readonly ca: string;
      readonly serialNumber: string;
      readonly notBefore: string;
      readonly notAfter: string;
      readonly maskedName: string;
      readonly downloadUrl: string;
    };

/** Registration, first turn: the password opens the uploaded files and every check but the owner's runs. */
export interface UnlockInput {
  readonly files: SealedFiles;
  readonly password: string;
  readonly customerId: string;
}

export type UnlockOutput =
  | { readonly status: 'unlocked'; readonly sealedCertificate: string; readonly sealedRandomNum?: string }
  | { readonly status: 'failed'; readonly reason: string; readonly file?: string };

/** Second turn: the owner check with the 주민등록번호 asked again, then the registration. */
export interface CompleteRegistrationInput {
  readonly sealedCertificate: string;
  readonly sealedRandomNum?: string;
  readonly sealedRrn: string;
  readonly customerId: string;
}

export type CompleteRegistrationOutput =
  | { readonly status: 'registered'; readonly ca: string; readonly kind: string; readonly notAfter: string; readonly registeredAt: string }
  | { readonly status: 'failed'; readonly reason: string };

/** Whether the customer already holds a valid certificate of this type here (issued or registered). */
export interface FindCertificateInput {
  readonly customerId: string;
  readonly type: 'personalBanking' | 'personalGeneral';
}

export interface FindCertificateOutput {
  /** The expiry (YYYY-MM-DD) of the valid one, if there is one. */
  readonly notAfter?: string;
}
