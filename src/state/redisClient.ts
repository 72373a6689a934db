import Redis from 'ioredis';
import type { Logger } from '../logging/logger';

export interface RedisClientOptions {
  /** A command that gets no answer within this time rejects (default 2000 ms). */
  commandTimeoutMs?: number;
  /** Giving up on one connection attempt after this time (default 1000 ms); reconnects go on. */
  connectTimeoutMs?: number;
}

/** Reconnect delay: grows by 200 ms per attempt, never more than 2 s, never gives up. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 200, 2000);
}

/**
 * A Redis client tuned so that a chat turn never hangs on Redis: while Redis is down or slow,
 * commands fail at once (or after `commandTimeoutMs`) and the bot answers with an apology,
 * while the client keeps reconnecting in the background.
 */
export function createRedisClient(url: string, logger: Logger, options: RedisClientOptions = {}): Redis {
  const redis = new Redis(url, {
    // No queueing while disconnected: a command issued during an outage rejects immediately
    // instead of waiting (possibly for minutes) for the connection to come back.
    enableOfflineQueue: false,
    // A command in flight when the connection drops is failed, not replayed: replaying a
    // compare-and-set write whose first attempt may already have been applied is unsafe.
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    retryStrategy: reconnectDelayMs,
    // Commands issued in the same tick (a turn's claim and read; many turns' saves under load)
    // leave in one write: fewer round trips and far fewer system calls.
    enableAutoPipelining: true,
  });

  // Log on state changes only: while Redis is down every reconnect attempt emits an error,
  // and one line per attempt would flood the logs.
  let down = false;
  redis.on('error', (e: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: e.message }, 'redis error');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis connection restored');
  });
  return redis;
}

/** Resolves once the client is connected and ready; rejects after `timeoutMs`. */
export function waitForRedisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status: ${redis.status})`));
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}

/** Whether Redis answers now: connected and replying to PING (within the command timeout). */
export async function isRedisReachable(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}
