import RedisClient from 'ioredis';
import type Redis from 'ioredis';
import { SHARED_REDIS_URL } from './sharedRedis';

/**
 * Test keys are found with SCAN, never KEYS: KEYS blocks the shared Redis while it walks every
 * key, SCAN walks in small steps (and may return a key twice, which `keysMatching` drops).
 */
async function* keyBatches(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

/** Every key matching `pattern` (a glob such as `${prefix}*`), each once. */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  for await (const keys of keyBatches(redis, pattern)) for (const key of keys) found.add(key);
  return [...found];
}

/** Deletes every key matching `pattern` (a glob such as `${prefix}*`). */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of keyBatches(redis, pattern)) await redis.del(keys);
}

/**
 * A client on the shared Redis for one test file, whose keys under `prefix` are deleted after
 * the file: call at the top level, read the client with the returned function inside tests.
 */
export function useSharedRedis(prefix: string): () => Redis {
  let redis: Redis | undefined;
  beforeAll(() => {
    redis = new RedisClient(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    if (redis === undefined) return;
    await deleteKeysMatching(redis, `${prefix}*`);
    redis.disconnect();
  });
  return () => {
    if (redis === undefined) throw new Error('useSharedRedis: the client exists only inside tests');
    return redis;
  };
}
