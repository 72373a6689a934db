import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** `identity`: 본인 인증. `additional`: 추가 인증 (전자금융사기 예방서비스) for reissue and registration. */
export type OtpPurpose = 'identity' | 'additional';

/**
 * What is kept between turns while a code is outstanding: plain JSON, safe to persist.
 * It holds a keyed hash of the code, never the code.
 */
export interface OtpChallenge {
  id: string;
  purpose: OtpPurpose;
  /** HMAC-SHA256 (hex) of the challenge id, purpose and code under the OTP key. */
  codeHash: string;
  /** Epoch ms after which the code no longer works. */
  expiresAt: number;
  /** Wrong codes so far, carried over when the code is resent. */
  attempts: number;
  /** Epoch ms when the code was sent (for the resend interval). */
  sentAt: number;
}

export type OtpVerification =
  | { result: 'ok' }
  | { result: 'wrong'; attemptsLeft: number; challenge: OtpChallenge }
  | { result: 'expired' }
  | { result: 'locked' };

export const OTP_LENGTH = 6;
/** A code works for 3 minutes. */
export const OTP_TTL_MS = 3 * 60 * 1000;
/** The 5th wrong code locks (see `OTP_LOCKOUT_MS` and the `Lockout` store). */
export const OTP_MAX_ATTEMPTS = 5;
/** How long a customer stays locked out after `OTP_MAX_ATTEMPTS` wrong codes. */
export const OTP_LOCKOUT_MS = 10 * 60 * 1000;

/** For reading a challenge back from persisted state. */
export const otpChallengeSchema = z.object({
  id: z.string().min(1),
  purpose: z.enum(['identity', 'additional']),
  codeHash: z.string().regex(/^[0-9a-f]{64}$/),
  expiresAt: z.number().int(),
  attempts: z.number().int().min(0),
  sentAt: z.number().int(),
});

/** A uniformly random 6-digit code (leading zeros kept). */
export function generateOtpCode(): string {
  return String(randomInt(0, 10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
}

/**
 * A fresh code and the challenge to keep. Send `code` to the customer and drop it; keep only
 * `challenge`. `attempts` carries wrong codes over from a previous challenge on resend, so
 * resending does not reset the count towards the lockout.
 */
export function createOtpChallenge(options: {
  purpose: OtpPurpose;
  now: Date;
  key: Buffer;
  attempts?: number;
}): { code: string; challenge: OtpChallenge } {
  const code = generateOtpCode();
  const id = randomUUID();
  const sentAt = options.now.getTime();
  return {
    code,
    challenge: {
      id,
      purpose: options.purpose,
      codeHash: hashCode(id, options.purpose, code, options.key),
      expiresAt: sentAt + OTP_TTL_MS,
      attempts: options.attempts ?? 0,
      sentAt,
    },
  };
}

/**
 * Checks a code the customer typed. Order: an already locked challenge stays locked; an expired
 * one is expired (even with the right code); then the code is compared in constant time.
 * Spaces, hyphens and full-width digits are normalised away; anything that is then not exactly
 * 6 digits counts as a wrong code. The 5th wrong code gives `locked`; the caller then locks
 * the customer out for `OTP_LOCKOUT_MS`.
 */
export function verifyOtp(challenge: OtpChallenge, code: string, now: Date, key: Buffer): OtpVerification {
  if (challenge.attempts >= OTP_MAX_ATTEMPTS) return { result: 'locked' };
  if (now.getTime() >= challenge.expiresAt) return { result: 'expired' };
  const normalised = normaliseOtpCode(code);
  if (normalised !== undefined && hashesEqual(hashCode(challenge.id, challenge.purpose, normalised, key), challenge.codeHash)) {
    return { result: 'ok' };
  }
  const attempts = challenge.attempts + 1;
  if (attempts >= OTP_MAX_ATTEMPTS) return { result: 'locked' };
  return { result: 'wrong', attemptsLeft: OTP_MAX_ATTEMPTS - attempts, challenge: { ...challenge, attempts } };
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
