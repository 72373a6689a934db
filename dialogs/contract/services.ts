import type { SealedFiles } from './events';
import type { DeferralCause, MobileCarrier, OtpChallenge, OtpPurpose, RevocationReason } from './domain';

/** What the flow machines ask of the bot's services (their named actors); only masked, hashed and sealed data goes in, and secrets only within their turn. */
export interface SendCodeInput {
  readonly customerId: string;
  readonly name: string;
  readonly sealedRrn: string;
  readonly carrier: MobileCarrier;
  readonly sealedPhone: string;
  readonly purpose: OtpPurpose;
  /** When the customer asked for a new code. */
  readonly previous?: OtpChallenge;
}

/** Epoch ms in `retryAt` and `until`, which the replies show as a time of day. */
export type SendCodeOutput =
  | { readonly status: 'sent'; readonly challenge: OtpChallenge; readonly sandboxCode?: string }
  /** A code went to this phone less than 30 s ago, in this conversation or any other. */
  | { readonly status: 'tooSoon'; readonly retryAfterMs: number }
  /** 5 codes went to this phone within the hour. */
  | { readonly status: 'hourlyLimit'; readonly retryAt: number }
  /** 5 wrong codes, for this customer or this phone. */
  | { readonly status: 'locked'; readonly until: number };

export interface CheckCodeInput {
  readonly customerId: string;
  /** Wrong codes count per customer and per phone. */
  readonly sealedPhone: string;
  readonly challenge: OtpChallenge;
  /** Within this turn only; never put into context. */
  readonly code: string;
}

export type CheckCodeOutput =
  | { readonly result: 'ok' }
  | { readonly result: 'wrong'; readonly attemptsLeft: number }
  | { readonly result: 'expired' }
  /** This was the 5th wrong code, or the customer or phone was locked out meanwhile (another conversation). */
  | { readonly result: 'locked'; readonly until: number };

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

/** The certificate a reissue or renewal replaces; the old one is revoked once the new one is issued. */
export interface Replacement {
  readonly mode: 'renewal' | 'reissue';
  readonly fingerprint: string;
  readonly reason: RevocationReason;
  /** The old certificate's expiry (YYYY-MM-DD): a reissue keeps it, a renewal adds a year to it. */
  readonly notAfter: string;
}

export interface IssueInput {
  readonly password: string;
  readonly fingerprint: string;
  readonly customerId: string;
  readonly name: string;
  readonly sealedRrn: string;
  readonly type: 'personalBanking' | 'personalGeneral';
  /** Reissue and renewal: the certificate to revoke once the new one is issued. */
  readonly replaces?: Replacement;
}

/**
 * What an issuing turn must settle once it is saved: the customer's journal (a keyed hash), the
 * issuance whose link it offers, and earlier interrupted issuances it tells the customer about.
 */
export interface IssuanceJournalEntry {
  readonly owner: string;
  readonly key?: string;
  readonly told: readonly string[];
}

export type IssueOutput = { readonly journal: IssuanceJournalEntry } & (
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
      /** Set when an old certificate was replaced (and revoked). */
      readonly replaced?: Replacement['mode'];
    }
);

/** Registration, first turn: the password opens the uploaded files and every check but the owner's runs. */
export interface UnlockInput {
  readonly files: SealedFiles;
  readonly password: string;
  readonly customerId: string;
}

export type UnlockOutput =
  | { readonly status: 'unlocked'; readonly sealedCertificate: string; readonly sealedRandomNum?: string }
  | { readonly status: 'failed'; readonly reason: string; readonly file?: string }
  /** Not opened now (this customer's key-derivation budget is spent, or the bot is busy); nothing was tried. */
  | { readonly status: 'deferred'; readonly cause: DeferralCause; readonly retryAfterMinutes: number };

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

/** A customer's certificate as the journeys show it in a list; the fingerprint names it, nothing secret. */
export interface CertificateChoice {
  readonly fingerprint: string;
  readonly origin: 'issued' | 'registered';
  /** The CA's id from the policy table, or 'unknown'. */
  readonly ca: string;
  /** The kind from the policy table (personalBanking, personalGeneral …), or 'other'. */
  readonly kind: string;
  readonly serialNumber: string;
  /** YYYY-MM-DD */
  readonly notAfter: string;
  /** Days until it expires, counted up (a part day is a day), from the time of the listing; 0 or less once expired. */
  readonly daysLeft: number;
}

export interface ListCertificatesInput {
  readonly customerId: string;
  /** Registered ones only (해제), or every active one issued or registered here (재발급). */
  readonly origin: 'registered' | 'any';
}

export interface ListCertificatesOutput {
  readonly certificates: readonly CertificateChoice[];
}

export interface ReleaseInput {
  readonly customerId: string;
  readonly fingerprint: string;
}

export interface ReleaseOutput {
  readonly released: boolean;
}
