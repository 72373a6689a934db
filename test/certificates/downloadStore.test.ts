import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DownloadStore, MemoryDownloadStore, RedisDownloadStore } from '../../src/certificates/stores/downloadStore';
import { SecretBox } from '../../src/state/secretBox';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const box = new SecretBox(randomBytes(32));
const prefix = `jca-test-downloads-${process.pid}:`;
const files = {
  zip: { fileName: 'NPKI.zip', contentType: 'application/zip', bytes: Buffer.from('zip bytes: signPri.key inside') },
  pfx: { fileName: 'cert.pfx', contentType: 'application/x-pkcs12', bytes: randomBytes(300) },
};

let redis: Redis;
let clock = 1_000_000;
beforeAll(() => {
  redis = new Redis(SHARED_REDIS_URL);
});
afterAll(async () => {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
});

describe.each<[string, () => DownloadStore]>([
  ['memory', () => new MemoryDownloadStore(box, () => clock)],
  ['Redis', () => new RedisDownloadStore(redis, box, prefix)],
])('%s download links', (_name, makeStore) => {
  test('a link gives the files once; a second use is gone; a made-up link is unknown', async () => {
    const store = makeStore();
    const { token } = await store.offer(files, 60_000);
    const first = await store.take(token);
    expect(first).toEqual({ status: 'ok', formats: files });
    expect(await store.take(token)).toEqual({ status: 'gone' });
    expect(await store.take(randomBytes(32).toString('base64url'))).toEqual({ status: 'unknown' });
  });

  test('two clicks at once: exactly one gets the files', async () => {
    const store = makeStore();
    const { token } = await store.offer(files, 60_000);
    const outcomes = await Promise.all([store.take(token), store.take(token), store.take(token)]);
    expect(outcomes.filter((o) => o.status === 'ok')).toHaveLength(1);
  });

  test('a withdrawn offer is gone', async () => {
    const store = makeStore();
    const { token } = await store.offer(files, 60_000);
    await store.withdraw(token);
    expect(await store.take(token)).toEqual({ status: 'gone' });
  });
});

test('an expired link is gone (memory clock), and Redis expires the files by TTL', async () => {
  const store = new MemoryDownloadStore(box, () => clock);
  const { token } = await store.offer(files, 600_000);
  clock += 600_001;
  expect(await store.take(token)).toEqual({ status: 'gone' });

  const redisStore = new RedisDownloadStore(redis, box, prefix);
  const offered = await redisStore.offer(files, 50);
  await new Promise((r) => setTimeout(r, 120));
  expect(await redisStore.take(offered.token)).toEqual({ status: 'gone' });
});

test('Redis holds neither the token nor the file bytes in clear', async () => {
  const store = new RedisDownloadStore(redis, box, prefix);
  const { token } = await store.offer(files, 60_000);
  const keys = await keysMatching(redis, `${prefix}*`);
  const values = await Promise.all(keys.map((k) => redis.get(k)));
  const everything = keys.join('\n') + values.join('\n');
  expect(everything).not.toContain(token);
  expect(everything).not.toContain('signPri.key inside');
  expect(everything).not.toContain(files.zip.bytes.toString('base64'));
});
