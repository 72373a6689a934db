import { RedisExpiringKeys } from './expiringKeys';

/**
 * Channels redeliver an activity when the bot answered too slowly; handling it twice would,
 * for example, issue two certificates. The bot claims each activity before handling it.
 */
export interface ActivityDeduplicator {
  /** True the first time `key` is claimed (handle it), false for a duplicate (skip it). */
  claim(key: string): Promise<boolean>;
}

/** Shared by every bot instance, so a redelivery to another instance is caught too. */
export class RedisActivityDeduplicator extends RedisExpiringKeys implements ActivityDeduplicator {
  async claim(key: string): Promise<boolean> {
    // SET NX is atomic: of concurrent claims exactly one gets OK. Errors reject; the caller
    // decides whether to handle the activity anyway.
    const result = await this.redis.set(this.keys.prefix + key, '1', 'EX', this.keys.ttlSeconds, 'NX');
    return result === 'OK';
  }
}

/** For a single instance without Redis. Memory stays bounded by `maxEntries`. */
export class MemoryActivityDeduplicator implements ActivityDeduplicator {
  /** Key → expiry time (ms). A Map iterates in insertion order, so the oldest come first. */
  private readonly expiries = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { ttlSeconds: number; maxEntries?: number; now?: () => number }) {
    if (!(options.ttlSeconds > 0)) throw new RangeError('ttlSeconds must be positive');
    this.ttlMs = options.ttlSeconds * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async claim(key: string): Promise<boolean> {
    const now = this.now();
    this.pruneExpired(now);
    if (this.expiries.has(key)) return false;
    this.expiries.set(key, now + this.ttlMs);
    if (this.expiries.size > this.maxEntries) {
      // Under a flood, forget the oldest rather than grow without bound.
      const oldest = this.expiries.keys().next().value as string;
      this.expiries.delete(oldest);
    }
    return true;
  }

  /** How many claims are remembered (for metrics and tests). */
  get size(): number {
    return this.expiries.size;
  }

  /** Every entry has the same TTL, so insertion order is expiry order: stop at the first live one. */
  private pruneExpired(now: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt > now) return;
      this.expiries.delete(key);
    }
  }
}
