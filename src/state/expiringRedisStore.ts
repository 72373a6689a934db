import type Redis from 'ioredis';

/** Where a Redis-backed store keeps its keys, and how long they live. */
export interface ExpiringKeyspace {
  readonly prefix: string;
  readonly ttlSeconds: number;
}

/** A Redis-backed store whose keys expire on their own; its keyspace is checked once, at start. */
export abstract class ExpiringRedisStore {
  protected readonly keyspace: ExpiringKeyspace;

  constructor(
    protected readonly redis: Redis,
    keyspace: ExpiringKeyspace,
  ) {
    // Redis EX takes whole seconds: a zero or fractional TTL is a configuration mistake.
    if (!Number.isInteger(keyspace.ttlSeconds) || keyspace.ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer');
    this.keyspace = { prefix: keyspace.prefix, ttlSeconds: keyspace.ttlSeconds };
  }
}
