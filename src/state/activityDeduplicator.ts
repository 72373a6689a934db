import { ExpiringMap } from './expiringMap';
import { ExpiringRedisStore } from './expiringRedisStore';

/**
 * Channels redeliver an activity when the bot answered too slowly; handling it twice would,
 * for example, issue two certificates. The bot claims each activity before handling it.
 */
export interface ActivityDeduplicator {
  /** True the first time `key` is claimed (handle it), false for a duplicate (skip it). */
  claim(key: string): Promise<boolean>;
}

/** Shared by every bot instance, so a redelivery to another instance is caught too. */
export class RedisActivityDeduplicator extends ExpiringRedisStore implements ActivityDeduplicator {
  async claim(key: string): Promise<boolean> {
    // SET NX is atomic: of concurrent claims exactly one gets OK. Errors reject; the caller
    // decides whether to handle the activity anyway.
    const result = await this.redis.set(this.keyspace.prefix + key, '1', 'EX', this.keyspace.ttlSeconds, 'NX');
    return result === 'OK';
  }
}

/** For a single instance without Redis. Past `maxEntries` (10,000 unless given), a flood makes it forget the oldest claims rather than grow. */
export class MemoryActivityDeduplicator implements ActivityDeduplicator {
  private readonly claims: ExpiringMap<string, true>;

  constructor(options: { ttlSeconds: number; maxEntries?: number; now?: () => number }) {
    this.claims = new ExpiringMap({ ...options, maxEntries: options.maxEntries ?? 10_000 });
  }

  async claim(key: string): Promise<boolean> {
    if (this.claims.has(key)) return false;
    this.claims.set(key, true);
    return true;
  }

  /** How many claims are remembered (for metrics and tests). */
  get size(): number {
    return this.claims.size;
  }
}
