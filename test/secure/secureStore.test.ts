import { randomUUID } from 'node:crypto';
import { MemorySecureStore, RedisSecureStore, type SecureStore } from '../../src/secure/secureStore';
import { keysMatching, useSharedRedis } from '../support/redisCleanup';

const prefix = `jca-test-secure-store-${randomUUID()}:`;
const redis = useSharedRedis(prefix);
const T0 = Date.UTC(2026, 11, 2);

// One contract, two backends: what the secure step relies on, whichever the app was given.
describe.each([
  ['memory', (clock: () => number) => new MemorySecureStore(clock)],
  ['redis', (clock: () => number) => new RedisSecureStore(redis(), `${prefix}${randomUUID()}:`, clock)],
])('%s', (_name, make: (clock: () => number) => SecureStore) => {
  test('a record changes only from what the writer read', async () => {
    const store = make(() => T0);
    await store.create('t1', 'one', T0 + 1000, T0 + 60_000);
    expect(await store.swap('t1', 'other', 'two')).toBe(false);
    expect(await store.swap('t1', 'one', 'two')).toBe(true);
    expect(await store.read('t1')).toBe('two');
    expect(await store.read('t2')).toBeUndefined();
  });

  test('the schedule lists what expired, oldest first, until it is taken off', async () => {
    const store = make(() => T0);
    await store.create('late', 'x', T0 + 2000, T0 + 60_000);
    await store.create('early', 'x', T0 + 1000, T0 + 60_000);
    expect(await store.due(T0, 10)).toEqual([]);
    expect(await store.due(T0 + 5000, 10)).toEqual(['early', 'late']);
    await store.unschedule('early');
    expect(await store.due(T0 + 5000, 10)).toEqual(['late']);
  });

  test('a link says what it pointed at before; a taken one is gone', async () => {
    const store = make(() => T0);
    expect(await store.link('conversation', 'conversation/a', 't1', T0 + 60_000)).toBeUndefined();
    expect(await store.link('conversation', 'conversation/a', 't2', T0 + 60_000)).toBe('t1');
    expect(await store.follow('conversation', 'conversation/a')).toBe('t2');
    expect(await store.follow('session', 'conversation/a')).toBeUndefined();
    await store.link('handover', 'ABCD2345', 't2', T0 + 60_000);
    expect(await store.take('handover', 'ABCD2345')).toBe('t2');
    expect(await store.take('handover', 'ABCD2345')).toBeUndefined();
  });
});

test('Redis holds no link key in clear: a code or cookie is kept as its SHA-256', async () => {
  const own = `${prefix}${randomUUID()}:`;
  const store = new RedisSecureStore(redis(), own);
  await store.link('handover', 'SECRETCODE', 't1', Date.now() + 60_000);
  const keys = await keysMatching(redis(), `${own}*`);
  expect(keys).toEqual([expect.stringMatching(new RegExp(`^${own}secure/handover/[0-9a-f]{64}$`))]);
});
