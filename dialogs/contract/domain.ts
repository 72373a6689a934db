/**
 * The words of the domain that the machines and the services share: plain types, no behaviour.
 * `src/` implements them (the carriers a phone number is read with, the ledger's revocation codes …).
 */

export type Language = 'ko' | 'en';

/** The three networks and the 알뜰폰 (MVNO) operators that run on each. */
export type MobileCarrier = 'SKT' | 'KT' | 'LGU+' | 'SKT_MVNO' | 'KT_MVNO' | 'LGU+_MVNO';

/** In the order a bank's 본인 인증 screen lists them (for suggested actions). */
export const MOBILE_CARRIERS: readonly MobileCarrier[] = ['SKT', 'KT', 'LGU+', 'SKT_MVNO', 'KT_MVNO', 'LGU+_MVNO'];

/** `identity`: 본인 인증. `additional`: 추가 인증 (전자금융사기 예방서비스) for reissue and registration. */
export type OtpPurpose = 'identity' | 'additional';

/**
 * What is kept between turns while a code is outstanding: plain JSON, safe to persist.
 * It holds a keyed hash of the code, never the code. Wrong codes are not counted here but per
 * customer and per phone, so a new challenge never starts them afresh.
 */
export interface OtpChallenge {
  id: string;
  purpose: OtpPurpose;
  /** HMAC-SHA256 (hex) of the challenge id, purpose and code under the OTP key. */
  codeHash: string;
  /** Epoch ms after which the code no longer works. */
  expiresAt: number;
}

/** RFC 5280 CRLReason names the bank uses when a certificate is revoked. */
export type RevocationReason = 'unspecified' | 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation';

/** Why opening a customer's certificate files was put off: their budget of key-derivation work is spent, or the bot is busy. */
export type DeferralCause = 'budgetSpent' | 'busy';
