/**
 * A map whose entries expire a fixed time after they were last set: the memory twin of Redis
 * keys with a TTL (agent sessions, claimed activities, Direct Line conversations). Every entry
 * lives as long, and setting one again moves it to the end, so insertion order is expiry order
 * and pruning stops at the first live entry. Past `maxEntries`, the oldest entry is dropped
 * rather than let a flood grow the map without bound.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { ttlSeconds: number; maxEntries?: number; now?: () => number }) {
    if (!(options.ttlSeconds > 0)) throw new RangeError('ttlSeconds must be positive');
    this.ttlMs = options.ttlSeconds * 1000;
    this.maxEntries = options.maxEntries ?? Infinity;
    this.now = options.now ?? Date.now;
  }

  /** The live value, or undefined when there is none or it expired. */
  get(key: K): V | undefined {
    this.pruneExpired();
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    this.pruneExpired();
    return this.entries.has(key);
  }

  /** Sets the value and (re)starts its lifetime. */
  set(key: K, value: V): void {
    this.pruneExpired();
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
  }

  /** Restarts a live entry's lifetime (a write to it, a reconnect); false when there is none. */
  renew(key: K): boolean {
    const value = this.get(key);
    if (value === undefined) return false;
    this.set(key, value);
    return true;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** How many entries are live (for metrics and tests). */
  get size(): number {
    this.pruneExpired();
    return this.entries.size;
  }

  private pruneExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}
