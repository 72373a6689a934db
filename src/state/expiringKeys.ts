import type Redis from 'ioredis';

/** Where a Redis-backed store keeps its keys, and how long they live. */
export interface ExpiringKeys {
  readonly prefix: string;
  readonly ttlSeconds: number;
}

/** Redis EX takes whole seconds; a zero or fractional TTL is a configuration mistake to catch at start. */
export function expiringKeys(options: ExpiringKeys): ExpiringKeys {
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new RangeError('ttlSeconds must be a positive integer');
  }
  return { prefix: options.prefix, ttlSeconds: options.ttlSeconds };
}

/** A Redis-backed store whose keys expire on their own, its prefix and TTL checked once at start. */
export abstract class RedisExpiringKeys {
  protected readonly keys: ExpiringKeys;

  constructor(
    protected readonly redis: Redis,
    options: ExpiringKeys,
  ) {
    this.keys = expiringKeys(options);
  }
}
