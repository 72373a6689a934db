import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { OTP_ATTEMPT_WINDOW_MS, OTP_LOCKOUT_MS, OTP_RESEND_INTERVAL_MS, OTP_SEND_WINDOW_MS } from '../../src/identity/oneTimePassword';
import { parseMobileNumber, phoneIdOf } from '../../src/identity/phoneNumber';
import { customerIdOf, parseResidentRegistrationNumber } from '../../src/identity/residentRegistrationNumber';
import { MemoryVerificationLimits, RedisVerificationLimits, VerificationLimits } from '../../src/identity/verificationLimits';
import { keysMatching, useSharedRedis } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const PREFIX = `test:limits:${randomBytes(6).toString('hex')}:`;
const sharedRedis = useSharedRedis(PREFIX);
const T0 = Date.UTC(2026, 10, 26, 3, 0, 0);
const MINUTE = 60_000;

const anId = (): string => randomBytes(32).toString('hex');
const someone = () => ({ customerId: anId(), phoneId: anId() });

describe.each([
  ['Redis', (): VerificationLimits => new RedisVerificationLimits(sharedRedis(), { prefix: PREFIX })],
  ['memory', (): VerificationLimits => new MemoryVerificationLimits()],
])('%s verification limits', (_name, make) => {
  test('nobody is locked out and any phone may get a code at first', async () => {
    const limits = make();
    const who = someone();
    expect(await limits.lockedUntil(who, T0)).toBeUndefined();
    expect(await limits.reserveSend(who.phoneId, T0)).toEqual({ allowed: true });
  });

  test('wrong codes count for the customer across phones: the 5th locks the customer and that phone for 10 minutes', async () => {
    const limits = make();
    const customerId = anId();
    const phones = [anId(), anId(), anId(), anId(), anId()];
    const outcomes = [];
    for (const [i, phoneId] of phones.entries()) outcomes.push(await limits.recordWrongCode({ customerId, phoneId }, T0 + i * MINUTE));
    expect(outcomes).toEqual([
      { locked: false, attemptsLeft: 4 },
      { locked: false, attemptsLeft: 3 },
      { locked: false, attemptsLeft: 2 },
      { locked: false, attemptsLeft: 1 },
      { locked: true, until: T0 + 4 * MINUTE + OTP_LOCKOUT_MS },
    ]);
    const later = T0 + 5 * MINUTE;
    expect(await limits.lockedUntil({ customerId, phoneId: anId() }, later)).toBe(T0 + 4 * MINUTE + OTP_LOCKOUT_MS);
    expect(await limits.lockedUntil({ customerId: anId(), phoneId: phones[4] as string }, later)).toBe(T0 + 4 * MINUTE + OTP_LOCKOUT_MS);
    // the phones of the earlier tries did not reach 5 themselves
    expect(await limits.lockedUntil({ customerId: anId(), phoneId: phones[0] as string }, later)).toBeUndefined();
  });

  test('wrong codes count for the phone across customers: the 5th locks the phone and that customer', async () => {
    const limits = make();
    const phoneId = anId();
    let last;
    for (let i = 0; i < 5; i += 1) last = await limits.recordWrongCode({ customerId: anId(), phoneId }, T0);
    expect(last).toEqual({ locked: true, until: T0 + OTP_LOCKOUT_MS });
    expect(await limits.lockedUntil({ customerId: anId(), phoneId }, T0 + 1)).toBe(T0 + OTP_LOCKOUT_MS);
  });

  test('the tries left are those of the customer or the phone, whichever has fewer', async () => {
    const limits = make();
    const who = someone();
    for (let i = 0; i < 3; i += 1) await limits.recordWrongCode({ customerId: anId(), phoneId: who.phoneId }, T0);
    expect(await limits.recordWrongCode(who, T0)).toEqual({ locked: false, attemptsLeft: 1 });
  });

  test('the lock ends after 10 minutes, and then the count starts from zero', async () => {
    const limits = make();
    const who = someone();
    for (let i = 0; i < 5; i += 1) await limits.recordWrongCode(who, T0);
    expect(await limits.lockedUntil(who, T0 + OTP_LOCKOUT_MS - 1)).toBe(T0 + OTP_LOCKOUT_MS);
    expect(await limits.lockedUntil(who, T0 + OTP_LOCKOUT_MS)).toBeUndefined();
    expect(await limits.recordWrongCode(who, T0 + OTP_LOCKOUT_MS)).toEqual({ locked: false, attemptsLeft: 4 });
  });

  test('a wrong code counts for an hour', async () => {
    const limits = make();
    const who = someone();
    for (let i = 0; i < 4; i += 1) await limits.recordWrongCode(who, T0 + i * MINUTE);
    // the first has left the hour, the other three have not
    expect(await limits.recordWrongCode(who, T0 + OTP_ATTEMPT_WINDOW_MS)).toEqual({ locked: false, attemptsLeft: 1 });
  });

  test('a right code starts the wrong codes from zero, for the customer and the phone', async () => {
    const limits = make();
    const who = someone();
    for (let i = 0; i < 4; i += 1) await limits.recordWrongCode(who, T0);
    await limits.recordRightCode(who);
    expect(await limits.recordWrongCode(who, T0 + 1)).toEqual({ locked: false, attemptsLeft: 4 });
    expect(await limits.recordWrongCode({ customerId: anId(), phoneId: who.phoneId }, T0 + 1)).toEqual({ locked: false, attemptsLeft: 3 });
  });

  test('a phone gets its next code 30 s after the previous one at the earliest', async () => {
    const limits = make();
    const phoneId = anId();
    expect(await limits.reserveSend(phoneId, T0)).toEqual({ allowed: true });
    expect(await limits.reserveSend(phoneId, T0 + 10_000)).toEqual({
      allowed: false,
      reason: 'tooSoon',
      retryAt: T0 + OTP_RESEND_INTERVAL_MS,
    });
    expect(await limits.reserveSend(phoneId, T0 + OTP_RESEND_INTERVAL_MS - 1)).toMatchObject({ allowed: false, reason: 'tooSoon' });
    expect(await limits.reserveSend(phoneId, T0 + OTP_RESEND_INTERVAL_MS)).toEqual({ allowed: true });
    // another phone is not held back
    expect(await limits.reserveSend(anId(), T0 + OTP_RESEND_INTERVAL_MS)).toEqual({ allowed: true });
  });

  test('a right code lets the phone get its next code at once (추가 인증 follows 본인 인증), and starts its hour afresh', async () => {
    const limits = make();
    const who = someone();
    for (let i = 0; i < 5; i += 1) await limits.reserveSend(who.phoneId, T0 + i * MINUTE);
    await limits.recordRightCode(who);
    for (let i = 0; i < 5; i += 1) expect(await limits.reserveSend(who.phoneId, T0 + 5 * MINUTE + i * MINUTE)).toEqual({ allowed: true });
    expect(await limits.reserveSend(who.phoneId, T0 + 10 * MINUTE)).toMatchObject({ allowed: false, reason: 'hourlyLimit' });
  });

  test('at most 5 codes a rolling hour per phone; the 6th is told when the oldest leaves the hour, and a refusal is not counted', async () => {
    const limits = make();
    const phoneId = anId();
    const sentAt = [0, 1, 2, 3, 4].map((i) => T0 + i * MINUTE);
    for (const at of sentAt) expect(await limits.reserveSend(phoneId, at)).toEqual({ allowed: true });
    expect(await limits.reserveSend(phoneId, T0 + 10 * MINUTE)).toEqual({
      allowed: false,
      reason: 'hourlyLimit',
      retryAt: T0 + OTP_SEND_WINDOW_MS,
    });
    expect(await limits.reserveSend(phoneId, T0 + OTP_SEND_WINDOW_MS - 1)).toMatchObject({ allowed: false, reason: 'hourlyLimit' });
    expect(await limits.reserveSend(phoneId, T0 + OTP_SEND_WINDOW_MS)).toEqual({ allowed: true });
    // the 2nd to 5th and that one are within the hour: the next may go once the 2nd leaves it
    expect(await limits.reserveSend(phoneId, T0 + OTP_SEND_WINDOW_MS + OTP_RESEND_INTERVAL_MS)).toEqual({
      allowed: false,
      reason: 'hourlyLimit',
      retryAt: T0 + MINUTE + OTP_SEND_WINDOW_MS,
    });
  });

  test('of many requests at the same moment for one phone, exactly one is sent', async () => {
    const limits = make();
    const phoneId = anId();
    const permissions = await Promise.all(Array.from({ length: 10 }, () => limits.reserveSend(phoneId, T0)));
    expect(permissions.filter((p) => p.allowed)).toHaveLength(1);
  });
});

describe('RedisVerificationLimits', () => {
  test('keys live under the prefix and expire by themselves; neither the phone number nor the 주민등록번호 is in a key or a value', async () => {
    const redis = sharedRedis();
    const prefix = `${PREFIX}${randomBytes(4).toString('hex')}:`;
    const limits = new RedisVerificationLimits(redis, { prefix });
    const key = randomBytes(32);
    const phone = parseMobileNumber('010-2468-1357');
    const rrn = parseResidentRegistrationNumber('900101-1234567', new Date(T0));
    if (!phone.ok || !rrn.ok) throw new Error('fixture');
    const who = { customerId: customerIdOf(rrn.value, key), phoneId: phoneIdOf(phone.value, key) };
    const now = Date.now();
    await limits.reserveSend(who.phoneId, now);
    for (let i = 0; i < 5; i += 1) await limits.recordWrongCode(who, now);
    await limits.recordWrongCode({ ...who, customerId: anId() }, now);

    const keys = await keysMatching(redis, `${prefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(4); // locks, sends, wait, and the new count
    const stored: string[] = [];
    for (const k of keys) {
      const ttl = await redis.pttl(k);
      expect({ k, expires: ttl > 0 && ttl <= OTP_SEND_WINDOW_MS }).toEqual({ k, expires: true });
      const type = await redis.type(k);
      stored.push(k, ...(type === 'zset' ? await redis.zrange(k, 0, -1) : [(await redis.get(k)) ?? '']));
    }
    const everything = stored.join('\n');
    for (const secret of ['01024681357', '24681357', '9001011234567']) expect(everything).not.toContain(secret);
  });

  test('what one instance counted holds on another (its own connection)', async () => {
    const other = new Redis(SHARED_REDIS_URL);
    try {
      const who = someone();
      const one = new RedisVerificationLimits(sharedRedis(), { prefix: PREFIX });
      const two = new RedisVerificationLimits(other, { prefix: PREFIX });
      await one.reserveSend(who.phoneId, T0);
      for (let i = 0; i < 4; i += 1) await one.recordWrongCode(who, T0);
      expect(await two.reserveSend(who.phoneId, T0 + 1_000)).toMatchObject({ allowed: false, reason: 'tooSoon' });
      expect(await two.recordWrongCode(who, T0 + 1_000)).toEqual({ locked: true, until: T0 + 1_000 + OTP_LOCKOUT_MS });
      expect(await one.lockedUntil(who, T0 + 2_000)).toBe(T0 + 1_000 + OTP_LOCKOUT_MS);
    } finally {
      other.disconnect();
    }
  });
});

describe('MemoryVerificationLimits', () => {
  test('forgets what no longer matters', async () => {
    const limits = new MemoryVerificationLimits();
    const who = someone();
    await limits.reserveSend(who.phoneId, T0);
    for (let i = 0; i < 5; i += 1) await limits.recordWrongCode(who, T0);
    await limits.recordWrongCode(someone(), T0);
    expect(limits.size).toBe(4);
    await limits.lockedUntil(someone(), T0 + OTP_SEND_WINDOW_MS);
    expect(limits.size).toBe(0);
  });
});
