import { randomBytes } from 'node:crypto';
import { MemorySignInThrottle, RedisSignInThrottle, type SignInThrottle } from '../../src/agentDesk/signInThrottle';
import { keysMatching, useSharedRedis } from '../support/redisCleanup';

const PREFIX = `test:sign-in-throttle:${randomBytes(6).toString('hex')}:`;
const sharedRedis = useSharedRedis(PREFIX);

/** A clock the test moves by hand. */
function manualClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const X = '127.0.0.2';
const Y = '127.0.0.1';

/** One wrong password from `address` for `id`, if the throttle lets it be tried; whether it was. */
async function wrongPassword(throttle: SignInThrottle, address: string, id: string): Promise<boolean> {
  const gate = await throttle.begin({ address, id });
  if (gate.allowed) await throttle.finish({ address, id }, false);
  return gate.allowed;
}

/** Whether `id` may try a password from `address` now (the attempt then succeeds). */
async function mayTry(throttle: SignInThrottle, address: string, id: string): Promise<boolean> {
  const gate = await throttle.begin({ address, id });
  if (gate.allowed) await throttle.finish({ address, id }, true);
  return gate.allowed;
}

let run = 0;
describe.each([
  ['memory', (now: () => number): SignInThrottle => new MemorySignInThrottle({ now })],
  // A prefix per throttle, so that tests do not count each other's attempts.
  [
    'Redis',
    (now: () => number): SignInThrottle =>
      new RedisSignInThrottle(sharedRedis(), { prefix: `${PREFIX}${run++}:`, idKey: Buffer.alloc(32, 7), now }),
  ],
])('%s SignInThrottle', (_name, makeThrottle) => {
  test('5 wrong passwords from one address block that address for that id, not the agent from another address', async () => {
    const clock = manualClock();
    const throttle = makeThrottle(clock.now);
    for (let i = 0; i < 5; i++) expect(await wrongPassword(throttle, X, 'kim')).toBe(true);
    const blocked = await throttle.begin({ address: X, id: 'kim' });
    expect(blocked).toEqual({ allowed: false, retryAfterSeconds: 300 });
    // The real kim, elsewhere, signs in; other ids from X are not blocked either.
    expect(await mayTry(throttle, Y, 'kim')).toBe(true);
    expect(await mayTry(throttle, X, 'lee')).toBe(true);
    clock.advance(5 * 60_000 - 1);
    expect((await throttle.begin({ address: X, id: 'kim' })).allowed).toBe(false);
    clock.advance(1);
    expect(await mayTry(throttle, X, 'kim')).toBe(true);
  });

  test('one address cannot spray many ids: 20 wrong passwords across ids block the address', async () => {
    const throttle = makeThrottle(manualClock().now);
    for (let i = 0; i < 20; i++) expect(await wrongPassword(throttle, X, `id-${i % 4}-${i}`)).toBe(true);
    expect((await throttle.begin({ address: X, id: 'kim' })).allowed).toBe(false);
    expect(await mayTry(throttle, Y, 'kim')).toBe(true);
  });

  test('a right password clears the pair but not the address count', async () => {
    const throttle = makeThrottle(manualClock().now);
    for (let i = 0; i < 4; i++) await wrongPassword(throttle, X, 'kim');
    expect(await mayTry(throttle, X, 'kim')).toBe(true);
    for (let i = 0; i < 4; i++) expect(await wrongPassword(throttle, X, 'kim')).toBe(true);
    // 8 wrong from X so far; 12 more against other ids reach the address limit despite kim's success.
    for (let i = 0; i < 12; i++) await wrongPassword(throttle, X, `other-${i}`);
    expect((await throttle.begin({ address: X, id: 'kim' })).allowed).toBe(false);
  });

  test('failures older than the window are forgotten', async () => {
    const clock = manualClock();
    const throttle = makeThrottle(clock.now);
    for (let i = 0; i < 4; i++) await wrongPassword(throttle, X, 'kim');
    clock.advance(5 * 60_000 + 1);
    for (let i = 0; i < 4; i++) expect(await wrongPassword(throttle, X, 'kim')).toBe(true);
    expect(await mayTry(throttle, X, 'kim')).toBe(true);
  });

  test('attempts in flight count: a parallel burst cannot get past the limit', async () => {
    const throttle = makeThrottle(manualClock().now);
    const gates = await Promise.all(Array.from({ length: 20 }, () => throttle.begin({ address: X, id: 'kim' })));
    expect(gates.filter((gate) => gate.allowed)).toHaveLength(5);
  });

  test('a flood of other ids from many addresses does not lift a block', async () => {
    const throttle = makeThrottle(manualClock().now);
    for (let i = 0; i < 5; i++) await wrongPassword(throttle, X, 'kim');
    for (let i = 0; i < 300; i++) await wrongPassword(throttle, `10.0.${i >> 8}.${i & 255}`, `made-up-${i}`);
    expect((await throttle.begin({ address: X, id: 'kim' })).allowed).toBe(false);
  });
});

describe('MemorySignInThrottle', () => {
  test('stays bounded under a flood, yet never forgets a blocked pair to make room', async () => {
    const throttle = new MemorySignInThrottle({ maxEntries: 100, now: manualClock().now });
    for (let i = 0; i < 5; i++) await wrongPassword(throttle, X, 'kim');
    for (let i = 0; i < 1000; i++) await wrongPassword(throttle, `10.0.${i >> 8}.${i & 255}`, `made-up-${i}`);
    expect(throttle.size).toBeLessThanOrEqual(101);
    expect((await throttle.begin({ address: X, id: 'kim' })).allowed).toBe(false);
  });
});

describe('RedisSignInThrottle', () => {
  test('instances share the count and the block', async () => {
    const clock = manualClock();
    const options = { prefix: `${PREFIX}shared:`, idKey: Buffer.alloc(32, 9), now: clock.now };
    const one = new RedisSignInThrottle(sharedRedis(), options);
    const two = new RedisSignInThrottle(sharedRedis(), options);
    for (let i = 0; i < 3; i++) await wrongPassword(one, X, 'kim');
    for (let i = 0; i < 2; i++) await wrongPassword(two, X, 'kim');
    expect((await one.begin({ address: X, id: 'kim' })).allowed).toBe(false);
    expect((await two.begin({ address: X, id: 'kim' })).allowed).toBe(false);
  });

  test('keys name no id (people type passwords there) and expire by themselves', async () => {
    const throttle = new RedisSignInThrottle(sharedRedis(), { prefix: `${PREFIX}keys:`, idKey: Buffer.alloc(32, 1) });
    await wrongPassword(throttle, X, 'Gildong#2026!');
    const keys = await keysMatching(sharedRedis(), `${PREFIX}keys:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toContain('Gildong');
      expect(await sharedRedis().pttl(key)).toBeGreaterThan(0);
    }
  });
});
