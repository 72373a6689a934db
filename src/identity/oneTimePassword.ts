import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** `identity`: 본인 인증. `additional`: 추가 인증 (전자금융사기 예방서비스). */
export type OtpPurpose = 'identity' | 'additional';

/**
 * What is kept while a code is outstanding (on the secure step's ticket): plain JSON, safe to
 * persist. It holds a keyed hash of the code, never the code. Wrong codes are not counted here but
 * per customer and per phone, so a new challenge never starts them afresh.
 */
export interface OtpChallenge {
  id: string;
  purpose: OtpPurpose;
  /** HMAC-SHA256 (hex) of the challenge id, purpose and code under the OTP key. */
  codeHash: string;
  /** Epoch ms after which the code no longer works. */
  expiresAt: number;
}

export type OtpVerification = { result: 'ok' } | { result: 'wrong' } | { result: 'expired' };

export const OTP_LENGTH = 6;
/** A code works for 3 minutes. */
export const OTP_TTL_MS = 3 * 60 * 1000;
/** The 5th wrong code within `OTP_ATTEMPT_WINDOW_MS`, for one customer or one phone, locks both. */
export const OTP_MAX_ATTEMPTS = 5;
/** Wrong codes count for an hour. */
export const OTP_ATTEMPT_WINDOW_MS = 60 * 60 * 1000;
/** How long a customer (and the phone) stays locked out after `OTP_MAX_ATTEMPTS` wrong codes. */
export const OTP_LOCKOUT_MS = 10 * 60 * 1000;
/** A code goes to a phone no sooner than 30 s after the previous one, whoever asked for it. */
export const OTP_RESEND_INTERVAL_MS = 30 * 1000;
/** At most 5 codes go to one phone within a rolling hour. */
export const OTP_MAX_SENDS = 5;
export const OTP_SEND_WINDOW_MS = 60 * 60 * 1000;

/** For reading a challenge back from persisted state. */
export const otpChallengeSchema = z.object({
  id: z.string().min(1),
  purpose: z.enum(['identity', 'additional']),
  codeHash: z.string().regex(/^[0-9a-f]{64}$/),
  expiresAt: z.number().int(),
});

/** A uniformly random 6-digit code (leading zeros kept). */
export function generateOtpCode(): string {
  return String(randomInt(0, 10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
}

/** A fresh code and the challenge to keep. Send `code` to the customer and drop it; keep only `challenge`. */
export function createOtpChallenge(options: { purpose: OtpPurpose; now: Date; key: Buffer }): { code: string; challenge: OtpChallenge } {
  const code = generateOtpCode();
  const id = randomUUID();
  return {
    code,
    challenge: {
      id,
      purpose: options.purpose,
      codeHash: hashCode(id, options.purpose, code, options.key),
      expiresAt: options.now.getTime() + OTP_TTL_MS,
    },
  };
}

/**
 * Checks a code the customer typed. An expired challenge is expired (even with the right code);
 * otherwise the code is compared in constant time. Spaces, hyphens and full-width digits are
 * normalised away; anything that is then not exactly 6 digits is a wrong code. Counting wrong
 * codes towards the lockout is the caller's (`VerificationLimits`).
 */
export function verifyOtp(challenge: OtpChallenge, code: string, now: Date, key: Buffer): OtpVerification {
  if (now.getTime() >= challenge.expiresAt) return { result: 'expired' };
  const normalised = normaliseOtpCode(code);
  const right = normalised !== undefined && hashesEqual(hashCode(challenge.id, challenge.purpose, normalised, key), challenge.codeHash);
  return { result: right ? 'ok' : 'wrong' };
}

/** `123 456`, `123-456`, `１２３４５６` → `123456`; undefined unless exactly 6 digits remain. */
export function normaliseOtpCode(text: string): string | undefined {
  const compact = text.normalize('NFKC').replace(/[\s\-‐‑‒–—−]+/gu, '');
  return /^\d{6}$/u.test(compact) ? compact : undefined;
}

const MIN_KEY_BYTES = 16;

function hashCode(id: string, purpose: OtpPurpose, code: string, key: Buffer): string {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`the OTP key must have at least ${MIN_KEY_BYTES} bytes`);
  // Bound to the challenge id and purpose, so a hash cannot be moved to another challenge.
  return createHmac('sha256', key).update(`jca-otp-v1\n${id}\n${purpose}\n${code}`, 'utf8').digest('hex');
}

function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
