import Redis, { type Command } from 'ioredis';
import type { Logger } from '../logging/logger';
import type { Metrics, StoreFailure } from '../metrics/metrics';

export interface RedisClientOptions {
  /** A command that gets no answer within this time rejects (default 2000 ms). */
  commandTimeoutMs?: number;
  /** Giving up on one connection attempt after this time (default 1000 ms); reconnects go on. */
  connectTimeoutMs?: number;
  /** Where failed commands are counted, by why; nowhere unless given. */
  metrics?: Pick<Metrics, 'storeFailed'>;
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
    // Not CLIENT SETINFO on each connection: Redis before 7.2 answers it with an error, which would count as a failed command.
    disableClientInfo: true,
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
  if (options.metrics !== undefined) countFailedCommands(redis, options.metrics);
  return redis;
}

/**
 * Every command goes through `sendCommand`, whichever store sent it: failures are counted there,
 * by why. The caller still gets the rejection; this only looks at it.
 */
function countFailedCommands(redis: Redis, metrics: Pick<Metrics, 'storeFailed'>): void {
  const send = redis.sendCommand.bind(redis);
  // A command may pass through twice (a script resent as EVAL) and fail with the same error: counted once.
  const counted = new WeakSet<Error>();
  redis.sendCommand = (command: Command, stream) => {
    command.promise.catch((err: unknown) => {
      if (err instanceof Error) {
        if (counted.has(err)) return;
        counted.add(err);
      }
      metrics.storeFailed('redis', failureOf(err));
    });
    return send(command, stream);
  };
}

/** Why a command failed: no answer within the command timeout, no connection to send it on, or Redis's own error. */
function failureOf(err: unknown): StoreFailure {
  if (!(err instanceof Error)) return 'error';
  if (err.message === 'Command timed out') return 'timeout';
  // Not connected (enableOfflineQueue is off), or the connection dropped with the command in flight (maxRetriesPerRequest 0).
  if (err.name === 'MaxRetriesPerRequestError' || /enableOfflineQueue|Connection is closed/.test(err.message)) return 'unavailable';
  return 'error';
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
