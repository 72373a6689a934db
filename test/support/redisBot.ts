import type Redis from 'ioredis';
import { createLogger, Logger } from '../../src/logging/logger';
import { RedisActivityDeduplicator } from '../../src/state/activityDeduplicator';
import { createRedisClient, waitForRedisReady } from '../../src/state/redisClient';
import { RedisStorage } from '../../src/state/redisStorage';
import { createTestBot, TestBot } from './testBot';

export interface RedisTestBot extends TestBot {
  readonly redis: Redis;
}

/**
 * The real bot on a TestAdapter with its state in Redis under `prefix`, as in production; with the
 * same `secretsKey`, a second one is the same bot restarted.
 */
export async function createRedisTestBot(
  url: string,
  prefix: string,
  logger: Logger = createLogger('silent'),
  options: { secretsKey?: Buffer; clock?: () => number } = {},
): Promise<RedisTestBot> {
  const redis = createRedisClient(url, logger);
  await waitForRedisReady(redis, 5000);
  const testBot = await createTestBot({
    storage: new RedisStorage(redis, { prefix, ttlSeconds: 1800, logger }),
    deduplicator: new RedisActivityDeduplicator(redis, { prefix: `${prefix}seen/`, ttlSeconds: 600 }),
    logger,
    ...options,
  });
  return { ...testBot, redis };
}
