import type Redis from 'ioredis';

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
