import { randomBytes } from 'node:crypto';
import type { TestAdapter } from 'botbuilder';
import type Redis from 'ioredis';
import { RedisDownloadStore } from '../../src/certificates/stores/downloadStore';
import type { OtpSender } from '../../src/identity/identityProvider';
import { RedisVerificationLimits } from '../../src/identity/verificationLimits';
import { createLogger, Logger } from '../../src/logging/logger';
import { SecretBox } from '../../src/state/secretBox';
import { RedisActivityDeduplicator } from '../../src/state/activityDeduplicator';
import { createRedisClient, waitForRedisReady } from '../../src/state/redisClient';
import { RedisStorage } from '../../src/state/redisStorage';
import { createTestBot } from './testBot';

export interface RedisTestBot {
  readonly adapter: TestAdapter;
  readonly redis: Redis;
}

/**
 * The real bot on a TestAdapter with its state and its verification limits in Redis under
 * `prefix`, as in production; with the same `secretsKey`, a second one is the same bot restarted.
 */
export async function createRedisTestBot(
  url: string,
  prefix: string,
  logger: Logger = createLogger('silent'),
  otpSender?: OtpSender,
  options: { secretsKey?: Buffer; clock?: () => number } = {},
): Promise<RedisTestBot> {
  const redis = createRedisClient(url, logger);
  await waitForRedisReady(redis, 5000);
  const adapter = await createTestBot({
    storage: new RedisStorage(redis, { prefix, ttlSeconds: 1800, logger }),
    deduplicator: new RedisActivityDeduplicator(redis, { prefix: `${prefix}seen/`, ttlSeconds: 600 }),
    downloads: new RedisDownloadStore(redis, new SecretBox(randomBytes(32)), prefix),
    logger,
    otpSender,
    verificationLimits: new RedisVerificationLimits(redis, { prefix }),
    ...options,
  });
  return { adapter, redis };
}
