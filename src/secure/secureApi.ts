/**
 * What the secure page and the server say to each other (docs/secure-step.md): the step view and
 * the answers of the page's API. Types only, so the page's bundle can share them.
 */
import type { CertificateType, Language } from '../../dialogs/contract/domain';
import type { SecureFailure, SecureStepKind } from '../../dialogs/contract/secure';

/**
 * What the customer agrees to on the page, each recorded with its version and time: collection and
 * use of personal data, processing of the 주민등록번호 as a unique identifier, verification by phone,
 * and the 범용 certificate's fee.
 */
export type ConsentId = 'personalData' | 'uniqueIdentifier' | 'phoneVerification' | 'fee';

export interface ConsentTerm {
  readonly id: ConsentId;
  /** The version of the text the customer was shown (e.g. `2026-12`). */
  readonly version: string;
}

/** The 범용 fee and the account it is withdrawn from, named before the customer agrees. */
export interface Fee {
  readonly amount: number;
  readonly account: string;
}

/** What the page shows for its ticket (`POST /secure/api/open`). */
export interface SecureView {
  readonly kind: SecureStepKind;
  readonly language: Language;
  /** The customer the step is for, when the bank knows them already. */
  readonly maskedName?: string;
  readonly maskedPhone?: string;
  /** Issuance and renewal. */
  readonly certificateType?: CertificateType;
  /** Issuance and renewal of a 범용 certificate. */
  readonly fee?: Fee;
  /** The consents this step needs, in the order the page asks for them. */
  readonly consents: readonly ConsentTerm[];
  /** Those already given for this ticket (a reload). */
  readonly accepted: readonly ConsentId[];
  /** Registration and renewal: 32 random bytes (base64) for the device to sign. */
  readonly challenge?: string;
  /**
   * Renewal: the certificate whose key authorises it (SHA-256 of its DER, hex) and its expiry
   * (YYYY-MM-DD); undefined for a renewal by key until the proof shows which certificate it is.
   */
  readonly renewing?: { readonly fingerprint: string; readonly notAfter: string };
  /** Renewal: the current key was proven on this ticket (a reload after the proof). */
  readonly proven?: boolean;
  /** The sandbox: codes are shown on the page, labelled as such. */
  readonly sandbox: boolean;
}

/** Why a ticket does not open: 410 `used` or `expired`, 404 `unknown`. */
export type OpenRefusal = 'used' | 'expired' | 'unknown';

/** `POST /secure/api/identity/start` and `/additional/start`. */
export type CodeSent =
  | { readonly maskedPhone: string; readonly sandboxCode?: string }
  /** A code went to this phone less than 30 s ago; epoch ms. */
  | { readonly tooSoon: true; readonly retryAt: number }
  /** 5 codes went to this phone within the hour. */
  | { readonly hourlyLimit: true; readonly retryAt: number }
  /** 5 wrong codes: the step ends (the chat explains). */
  | { readonly locked: true; readonly until: number }
  /** The provider found that the details do not belong together. */
  | { readonly rejected: 'mismatch' | 'unsupportedCarrier' | 'other' };

/** `POST /secure/api/identity/verify` and `/additional/verify`. */
export type CodeChecked =
  | { readonly verified: true }
  | { readonly wrong: true; readonly attemptsLeft: number }
  | { readonly expired: true }
  | { readonly locked: true; readonly until: number };

/** `POST /secure/api/issuance/authorize`: what the device needs to ask the CA itself. */
export interface IssuanceAuthorized {
  readonly referenceNumber: string;
  readonly authCode: string;
  /** The CA's issuance endpoint (`POST`, see docs/secure-step.md). */
  readonly caEndpoint: string;
  /** The CA's certificate, base64 DER: R is encrypted to its key. */
  readonly caCertificate: string;
}

/** `POST /secure/api/issuance/saved`: done, or waiting for the CA's notice (the chat hears when it arrives). */
export interface IssuanceSaved {
  readonly done: boolean;
}

/** `POST /secure/api/proof`. */
export type ProofChecked =
  | { readonly registered: true }
  /** Renewal: the current key is proven; the page goes on to the issuance. */
  | { readonly proven: true }
  | { readonly failed: SecureFailure };

/** `POST /secure/api/wrong-password`. */
export type PasswordCounted = { readonly attemptsLeft: number } | { readonly locked: true };

/** `POST /secure/api/handover`: where the step goes on when this browser is no place for it. */
export type Handover =
  /** `to: "pc"`: a one-time code (8 characters, 10 minutes) to type at `/secure/continue`. */
  | { readonly code: string; readonly expiresAt: number }
  /** `to: "app"`: the bank's app's deep link, with a fresh ticket. */
  | { readonly appLink: string };

/** `POST /secure/api/continue`: a fresh ticket for the same step, for the page to open. */
export interface Continued {
  readonly ticket: string;
  readonly url: string;
}

/** Every refusal: `{ error }` with the HTTP status; never shown as is, the page has its own words. */
export interface SecureError {
  readonly error: string;
}
