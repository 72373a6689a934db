import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { ActivityDeduplicator, MemoryActivityDeduplicator, RedisActivityDeduplicator } from '../../src/state/activityDeduplicator';
import { useSharedRedis } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const PREFIX = `test:dedup:${randomBytes(6).toString('hex')}:`;
const newKey = (): string => `msteams/conv/${randomBytes(6).toString('hex')}`;

const sharedRedis = useSharedRedis(PREFIX);

describe.each([
  ['Redis', (): ActivityDeduplicator => new RedisActivityDeduplicator(sharedRedis(), { prefix: PREFIX, ttlSeconds: 60 })],
  ['memory', (): ActivityDeduplicator => new MemoryActivityDeduplicator({ ttlSeconds: 60 })],
])('%s deduplicator', (_name, make) => {
  test('the first claim wins, the second is a duplicate', async () => {
    const dedup = make();
    const key = newKey();
    expect(await dedup.claim(key)).toBe(true);
    expect(await dedup.claim(key)).toBe(false);
    expect(await dedup.claim(newKey())).toBe(true);
  });

  test('of 20 concurrent claims of one key exactly one wins', async () => {
    const dedup = make();
    const key = newKey();
    const results = await Promise.all(Array.from({ length: 20 }, () => dedup.claim(key)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('RedisActivityDeduplicator', () => {
  test('the claim expires after ttlSeconds', async () => {
    const dedup = new RedisActivityDeduplicator(sharedRedis(), { prefix: PREFIX, ttlSeconds: 60 });
    const key = newKey();
    await dedup.claim(key);
    const ttl = await sharedRedis().pttl(PREFIX + key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  test('a duplicate claim does not extend the TTL', async () => {
    const dedup = new RedisActivityDeduplicator(sharedRedis(), { prefix: PREFIX, ttlSeconds: 60 });
    const key = newKey();
    await dedup.claim(key);
    await sharedRedis().pexpire(PREFIX + key, 5_000);
    expect(await dedup.claim(key)).toBe(false);
    expect(await sharedRedis().pttl(PREFIX + key)).toBeLessThanOrEqual(5_000);
  });

  test('instances sharing Redis see each other’s claims', async () => {
    const other = new Redis(SHARED_REDIS_URL);
    try {
      const a = new RedisActivityDeduplicator(sharedRedis(), { prefix: PREFIX, ttlSeconds: 60 });
      const b = new RedisActivityDeduplicator(other, { prefix: PREFIX, ttlSeconds: 60 });
      const key = newKey();
      expect(await a.claim(key)).toBe(true);
      expect(await b.claim(key)).toBe(false);
    } finally {
      other.disconnect();
    }
  });
});

describe('MemoryActivityDeduplicator', () => {
  test('a claim expires after ttlSeconds on the injected clock', async () => {
    let now = 1_000_000;
    const dedup = new MemoryActivityDeduplicator({ ttlSeconds: 60, now: () => now });
    expect(await dedup.claim('a')).toBe(true);
    now += 59_999;
    expect(await dedup.claim('a')).toBe(false);
    now += 1;
    expect(await dedup.claim('a')).toBe(true);
    expect(await dedup.claim('a')).toBe(false);
  });

  test('expired entries are pruned so that memory stays small', async () => {
    let now = 0;
    const dedup = new MemoryActivityDeduplicator({ ttlSeconds: 1, now: () => now });
    for (let i = 0; i < 100; i++) await dedup.claim(`old-${i}`);
    expect(dedup.size).toBe(100);
    now += 1_000;
    await dedup.claim('new');
    expect(dedup.size).toBe(1);
  });

  test('past maxEntries the oldest claim is forgotten', async () => {
    const dedup = new MemoryActivityDeduplicator({ ttlSeconds: 60, maxEntries: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c', 'd']) expect(await dedup.claim(key)).toBe(true);
    expect(dedup.size).toBe(3);
    expect(await dedup.claim('b')).toBe(false);
    expect(await dedup.claim('c')).toBe(false);
    expect(await dedup.claim('d')).toBe(false);
    expect(await dedup.claim('a')).toBe(true);
  });
});
