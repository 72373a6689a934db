import { randomBytes } from 'node:crypto';
import {
  OTP_TTL_MS,
  OtpChallenge,
  createOtpChallenge,
  generateOtpCode,
  normaliseOtpCode,
  otpChallengeSchema,
  verifyOtp,
} from '../../src/identity/oneTimePassword';

const KEY = randomBytes(32);
const NOW = new Date('2025-06-15T03:00:00Z');
const later = (ms: number): Date => new Date(NOW.getTime() + ms);

function fresh(purpose: 'identity' | 'additional' = 'identity'): { code: string; challenge: OtpChallenge } {
  return createOtpChallenge({ purpose, now: NOW, key: KEY });
}

/** A 6-digit code that is not `code`. */
const other = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const fullWidth = (s: string): string => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

describe('generateOtpCode', () => {
  test('gives uniformly spread 6-digit codes, leading zeros included', () => {
    const codes = Array.from({ length: 3000 }, generateOtpCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(2980);
    expect(codes.filter((c) => c.startsWith('0')).length).toBeGreaterThan(200); // ~300 expected
  });
});

describe('createOtpChallenge', () => {
  test('is plain JSON with the agreed fields, a 3-minute expiry and no code', () => {
    const { code, challenge } = fresh();
    expect(Object.keys(challenge).sort()).toEqual(['codeHash', 'expiresAt', 'id', 'purpose']);
    expect(challenge).toMatchObject({ purpose: 'identity', expiresAt: NOW.getTime() + 180_000 });
    expect(challenge.codeHash).toMatch(/^[0-9a-f]{64}$/);
    const json = JSON.stringify(challenge);
    expect(JSON.parse(json)).toEqual(challenge);
    expect(json).not.toContain(code);
    expect(otpChallengeSchema.parse(JSON.parse(json))).toEqual(challenge);
  });

  test('no challenge among many contains its code', () => {
    for (let i = 0; i < 300; i += 1) {
      const { code, challenge } = fresh();
      expect(JSON.stringify(challenge)).not.toContain(code);
    }
  });

  test('gives each challenge its own id', () => {
    expect(fresh().challenge.id).not.toBe(fresh().challenge.id);
  });

  test('refuses a short key', () => {
    expect(() => createOtpChallenge({ purpose: 'identity', now: NOW, key: Buffer.alloc(4) })).toThrow(RangeError);
  });
});

describe('verifyOtp', () => {
  test('the right code is ok', () => {
    const { code, challenge } = fresh();
    expect(verifyOtp(challenge, code, later(1000), KEY)).toEqual({ result: 'ok' });
  });

  test('spaces, hyphens and full-width digits are normalised', () => {
    const { code, challenge } = fresh();
    for (const typed of [
      ` ${code} `,
      `${code.slice(0, 3)} ${code.slice(3)}`,
      `${code.slice(0, 3)}-${code.slice(3)}`,
      fullWidth(code),
      `${fullWidth(code.slice(0, 3))}－${fullWidth(code.slice(3))}`,
    ]) {
      expect(verifyOtp(challenge, typed, later(1000), KEY)).toEqual({ result: 'ok' });
    }
  });

  test('a wrong code is wrong', () => {
    const { code, challenge } = fresh();
    expect(verifyOtp(challenge, other(code), later(1000), KEY)).toEqual({ result: 'wrong' });
  });

  test.each(['12345', '1234567', 'abcdef', '', '12 34 5', '１２３４５'])('%j is not 6 digits and counts as wrong', (typed) => {
    const { challenge } = fresh();
    expect(verifyOtp(challenge, typed, later(1000), KEY)).toEqual({ result: 'wrong' });
  });

  test('the code with extra digits around it is wrong', () => {
    const { code, challenge } = fresh();
    expect(verifyOtp(challenge, `${code}0`, later(1000), KEY).result).toBe('wrong');
    expect(verifyOtp(challenge, `0${code}`, later(1000), KEY).result).toBe('wrong');
  });

  test('the code expires after 3 minutes, even when right', () => {
    const { code, challenge } = fresh();
    expect(verifyOtp(challenge, code, later(OTP_TTL_MS - 1), KEY)).toEqual({ result: 'ok' });
    expect(verifyOtp(challenge, code, later(OTP_TTL_MS), KEY)).toEqual({ result: 'expired' });
    expect(verifyOtp(challenge, code, later(OTP_TTL_MS + 60_000), KEY)).toEqual({ result: 'expired' });
    expect(verifyOtp(challenge, other(code), later(OTP_TTL_MS), KEY)).toEqual({ result: 'expired' });
  });

  test('the challenge keeps no count: the limits on wrong codes are per customer and phone (verificationLimits)', () => {
    const { code, challenge } = fresh();
    const before = JSON.stringify(challenge);
    for (let i = 0; i < 10; i += 1) expect(verifyOtp(challenge, other(code), later(1000), KEY)).toEqual({ result: 'wrong' });
    expect(JSON.stringify(challenge)).toBe(before);
    expect(verifyOtp(challenge, code, later(1000), KEY)).toEqual({ result: 'ok' });
  });

  test('the hash is keyed and bound to its challenge', () => {
    const a = fresh();
    const b = fresh('additional');
    expect(verifyOtp(a.challenge, a.code, later(1000), randomBytes(32)).result).toBe('wrong');
    // a's hash moved onto b's id, or onto another purpose, does not verify a's code
    expect(verifyOtp({ ...b.challenge, codeHash: a.challenge.codeHash }, a.code, later(1000), KEY).result).toBe('wrong');
    expect(verifyOtp({ ...a.challenge, purpose: 'additional' }, a.code, later(1000), KEY).result).toBe('wrong');
  });

  test('a tampered, malformed hash is just wrong', () => {
    const { code, challenge } = fresh();
    expect(verifyOtp({ ...challenge, codeHash: 'abc' }, code, later(1000), KEY).result).toBe('wrong');
  });
});

describe('normaliseOtpCode', () => {
  test.each([
    ['123456', '123456'],
    [' 123 456 ', '123456'],
    ['123-456', '123456'],
    ['０１２３４５', '012345'],
    ['12345', undefined],
    ['1234567', undefined],
    ['12345a', undefined],
  ])('%j → %j', (typed, expected) => {
    expect(normaliseOtpCode(typed)).toBe(expected);
  });
});

describe('otpChallengeSchema', () => {
  test('rejects something that is not a challenge', () => {
    expect(otpChallengeSchema.safeParse({ id: 'x', purpose: 'identity', code: '123456' }).success).toBe(false);
    expect(otpChallengeSchema.safeParse({ ...fresh().challenge, purpose: 'other' }).success).toBe(false);
  });
});
