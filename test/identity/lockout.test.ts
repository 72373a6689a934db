import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Lockout, MemoryLockout, RedisLockout } from '../../src/identity/lockout';
import { OTP_LOCKOUT_MS } from '../../src/identity/oneTimePassword';
import { useSharedRedis } from '../support/redisCleanup';

const PREFIX = `test:lockout:${randomBytes(6).toString('hex')}:`;
const newCustomer = (): string => randomBytes(32).toString('hex');

const sharedRedis = useSharedRedis(PREFIX);

/** A clock the test moves by hand. */
function manualClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe.each([
  ['Redis', (now: () => number): Lockout => new RedisLockout(sharedRedis(), { prefix: PREFIX, now })],
  ['memory', (now: () => number): Lockout => new MemoryLockout({ now })],
])('%s lockout', (_name, make) => {
  test('nobody is locked out at first', async () => {
    expect(await make(Date.now).lockedUntil(newCustomer())).toBeUndefined();
  });

  test('a lock holds until its time, for that customer only', async () => {
    const lockout = make(Date.now);
    const customer = newCustomer();
    const until = Date.now() + OTP_LOCKOUT_MS;
    await lockout.lock(customer, until);
    expect(await lockout.lockedUntil(customer)).toBe(until);
    expect(await lockout.lockedUntil(newCustomer())).toBeUndefined();
  });

  test('a lock in the past does nothing', async () => {
    const lockout = make(Date.now);
    const customer = newCustomer();
    await lockout.lock(customer, Date.now() - 1);
    expect(await lockout.lockedUntil(customer)).toBeUndefined();
  });

  test('a later, shorter lock does not shorten a longer one; a longer one extends it', async () => {
    const lockout = make(Date.now);
    const customer = newCustomer();
    const long = Date.now() + OTP_LOCKOUT_MS;
    await lockout.lock(customer, long);
    await lockout.lock(customer, long - 60_000);
    expect(await lockout.lockedUntil(customer)).toBe(long);
    await lockout.lock(customer, long + 60_000);
    expect(await lockout.lockedUntil(customer)).toBe(long + 60_000);
  });

  test('once its time has passed the customer is free again', async () => {
    const clock = manualClock();
    const lockout = make(clock.now);
    const customer = newCustomer();
    await lockout.lock(customer, clock.now() + OTP_LOCKOUT_MS);
    clock.advance(OTP_LOCKOUT_MS - 1);
    expect(await lockout.lockedUntil(customer)).toBeDefined();
    clock.advance(1);
    expect(await lockout.lockedUntil(customer)).toBeUndefined();
  });
});

describe('RedisLockout', () => {
  test('the key carries a PX TTL equal to the lock time, and the number is not in it', async () => {
    const lockout = new RedisLockout(sharedRedis(), { prefix: PREFIX });
    const customer = newCustomer();
    await lockout.lock(customer, Date.now() + OTP_LOCKOUT_MS);
    const ttl = await sharedRedis().pttl(PREFIX + customer);
    expect(ttl).toBeGreaterThan(OTP_LOCKOUT_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(OTP_LOCKOUT_MS);
  });

  test('the key really expires in Redis when the lock ends', async () => {
    const lockout = new RedisLockout(sharedRedis(), { prefix: PREFIX });
    const customer = newCustomer();
    await lockout.lock(customer, Date.now() + 150);
    expect(await sharedRedis().exists(PREFIX + customer)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await sharedRedis().exists(PREFIX + customer)).toBe(0);
    expect(await lockout.lockedUntil(customer)).toBeUndefined();
  });

  test('a lock set by one instance holds on another (its own connection)', async () => {
    const other = new Redis('redis://127.0.0.1:6379');
    try {
      const customer = newCustomer();
      const until = Date.now() + OTP_LOCKOUT_MS;
      await new RedisLockout(sharedRedis(), { prefix: PREFIX }).lock(customer, until);
      expect(await new RedisLockout(other, { prefix: PREFIX }).lockedUntil(customer)).toBe(until);
    } finally {
      other.disconnect();
    }
  });

  test('keys live under the prefix', async () => {
    const customer = newCustomer();
    await new RedisLockout(sharedRedis(), { prefix: PREFIX }).lock(customer, Date.now() + 60_000);
    expect(await sharedRedis().get(PREFIX + customer)).toMatch(/^\d+$/);
  });
});

describe('MemoryLockout', () => {
  test('forgets expired locks', async () => {
    const clock = manualClock();
    const lockout = new MemoryLockout({ now: clock.now });
    await lockout.lock(newCustomer(), clock.now() + 1000);
    await lockout.lock(newCustomer(), clock.now() + 2000);
    expect(lockout.size).toBe(2);
    clock.advance(1000);
    expect(lockout.size).toBe(1);
    clock.advance(1000);
    expect(lockout.size).toBe(0);
  });
});
