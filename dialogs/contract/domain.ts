/**
 * The words of the domain that the machines and the services share: plain types, no behaviour.
 * `src/` implements them (the carriers a phone number is read with, the ledger's revocation codes …).
 */

export type Language = 'ko' | 'en';

/** The three networks and the 알뜰폰 (MVNO) operators that run on each. */
export type MobileCarrier = 'SKT' | 'KT' | 'LGU+' | 'SKT_MVNO' | 'KT_MVNO' | 'LGU+_MVNO';

/** In the order a bank's 본인 인증 screen lists them (for suggested actions). */
export const MOBILE_CARRIERS: readonly MobileCarrier[] = ['SKT', 'KT', 'LGU+', 'SKT_MVNO', 'KT_MVNO', 'LGU+_MVNO'];

/** RFC 5280 CRLReason names the bank uses when a certificate is revoked. */
export type RevocationReason = 'unspecified' | 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation';

/** A certificate may be renewed (갱신) from this many days before its expiry; earlier, it is reissued. */
export const RENEWAL_WINDOW_DAYS = 30;

/** The certificate a reissue or renewal replaces; the old one is revoked once the new one is issued. */
export interface Replacement {
  readonly mode: 'renewal' | 'reissue';
  readonly fingerprint: string;
  readonly reason: RevocationReason;
  /** The old certificate's expiry (YYYY-MM-DD): a reissue keeps it, a renewal adds a year to it. */
  readonly notAfter: string;
}

/** The personal certificates the bank issues: 은행·신용카드·보험용 (free) and 범용 (4,400원). */
export type CertificateType = 'personalBanking' | 'personalGeneral';

/** A customer whose identity was verified (본인 인증, on the secure page or by the bank's app): masked, hashed and sealed values only. */
export interface VerifiedIdentity {
  readonly name: string;
  readonly customerId: string;
  readonly maskedRrn: string;
  readonly birthDate: readonly string[];
  readonly sealedRrn: string;
  readonly carrier: MobileCarrier;
  readonly maskedPhone: string;
  readonly sealedPhone: string;
}
