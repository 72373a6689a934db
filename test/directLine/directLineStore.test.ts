import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DirectLineStore, KEPT_ACTIVITIES, MemoryDirectLineStore } from '../../src/directLine/directLineStore';
import { RedisDirectLineStore } from '../../src/directLine/redisDirectLineStore';
import { deleteKeysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const prefix = `jca-test-directline-store-${randomUUID()}:`;
const redis = new Redis(SHARED_REDIS_URL);
afterAll(async () => {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
});

const stores: [string, () => DirectLineStore][] = [
  ['memory', () => new MemoryDirectLineStore(600)],
  ['redis', () => new RedisDirectLineStore(redis, { prefix, ttlSeconds: 600 })],
];

describe.each(stores)('%s store', (_name, make) => {
  let store: DirectLineStore;
  let id: string;
  beforeEach(async () => {
    store = make();
    id = randomUUID().replace(/-/g, '');
    await store.create({ id, userId: 'dl_user', createdAt: 1 });
  });

  test('numbers activities <conversation>|<7 digits> and reads them after a watermark', async () => {
    const first = await store.append(id, { type: 'message', text: 'one', id: 'ignored' });
    const second = await store.append(id, { type: 'message', text: 'two' });
    expect(first?.id).toBe(`${id}|0000001`);
    expect(second?.id).toBe(`${id}|0000002`);
    expect(await store.read(id, 0)).toEqual({ activities: [first, second], watermark: 2 });
    expect(await store.read(id, 1)).toEqual({ activities: [second], watermark: 2 });
    expect(await store.read(id, 2)).toEqual({ activities: [], watermark: 2 });
    expect(await store.read('no-such-conversation', 0)).toEqual({ activities: [], watermark: 0 });
    expect(await store.append('no-such-conversation', { type: 'message' })).toBeUndefined();
  });

  test('concurrent writers never leave a gap or a reordering a reader could skip past', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.append(id, { type: 'message', text: String(i) })));
    const { activities, watermark } = await store.read(id, 0);
    expect(watermark).toBe(40);
    expect(activities.map((a) => a.id)).toEqual(Array.from({ length: 40 }, (_, i) => `${id}|${String(i + 1).padStart(7, '0')}`));
  });

  test('keeps the newest activities only', async () => {
    for (let i = 0; i < KEPT_ACTIVITIES + 3; i++) await store.append(id, { type: 'message', text: String(i) });
    const { activities, watermark } = await store.read(id, 0);
    expect(activities).toHaveLength(KEPT_ACTIVITIES);
    expect(activities[0]?.text).toBe('3');
    expect(watermark).toBe(KEPT_ACTIVITIES + 3);
    expect((await store.read(id, KEPT_ACTIVITIES + 1)).activities.map((a) => a.text)).toEqual([
      String(KEPT_ACTIVITIES + 1),
      String(KEPT_ACTIVITIES + 2),
    ]);
  });

  test('rewrites one logged activity in place, keeping its id', async () => {
    await store.append(id, { type: 'message', text: 'one' });
    const secret = await store.append(id, { type: 'message', text: '900101-1234567' });
    expect(await store.replace(id, secret?.id as string, (a) => ({ type: a.type }))).toBe(true);
    expect((await store.read(id, 0)).activities[1]).toEqual({ type: 'message', id: secret?.id });
    expect(await store.replace(id, `${id}|0000009`, (a) => a)).toBe(false);
    expect(await store.replace(id, `someone-else|0000001`, (a) => a)).toBe(false);
  });

  test('tells exactly one caller that it started the conversation', async () => {
    expect((await store.get(id))?.started).toBe(false);
    const results = await Promise.all([store.markStarted(id), store.markStarted(id), store.markStarted(id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.get(id)).toEqual({ id, userId: 'dl_user', createdAt: 1, started: true });
    expect(await store.markStarted('no-such-conversation')).toBe(false);
    expect(await store.get('no-such-conversation')).toBeUndefined();
  });
});

test('memory: a conversation idle past its TTL is gone, and writes push its expiry back', async () => {
  let now = 0;
  const store = new MemoryDirectLineStore(60, () => now);
  await store.create({ id: 'c', userId: 'u', createdAt: 0 });
  now = 59_000;
  await store.append('c', { type: 'message' });
  now = 118_000;
  expect(await store.get('c')).toBeDefined();
  now = 119_000;
  expect(await store.get('c')).toBeUndefined();
});

test('redis: the conversation and its log expire together, refreshed on every write; expired ones are not revived', async () => {
  const store = new RedisDirectLineStore(redis, { prefix, ttlSeconds: 60 });
  await store.create({ id: 'ttl', userId: 'u', createdAt: 0 });
  await store.append('ttl', { type: 'message' });
  expect(await redis.ttl(`${prefix}directline:{ttl}`)).toBeGreaterThan(55);
  expect(await redis.ttl(`${prefix}directline:{ttl}:log`)).toBeGreaterThan(55);
  await redis.del(`${prefix}directline:{ttl}`, `${prefix}directline:{ttl}:log`);
  expect(await store.markStarted('ttl')).toBe(false);
  expect(await store.append('ttl', { type: 'message' })).toBeUndefined();
  expect(await redis.exists(`${prefix}directline:{ttl}`, `${prefix}directline:{ttl}:log`)).toBe(0);
});
