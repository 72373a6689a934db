import type Redis from 'ioredis';

/**
 * Who is locked out of 본인 인증, and until when. After `OTP_MAX_ATTEMPTS` wrong codes the flow
 * calls `lock(customerId, now + OTP_LOCKOUT_MS)`, and checks `lockedUntil` before sending a
 * code, so that a lockout holds across conversations (a new chat does not reset it) and, with
 * Redis, across bot instances.
 *
 * `customerId` is `customerIdOf(rrn, key)`, never the 주민등록번호.
 */
export interface Lockout {
  /** Epoch ms until which the customer is locked out, or undefined when not locked. */
  lockedUntil(customerId: string): Promise<number | undefined>;
  /** Locks the customer out until `untilMs` (epoch ms). Never shortens a lock; a time in the past does nothing. */
  lock(customerId: string, untilMs: number): Promise<void>;
}

/** Shared by every instance: one key per customer, expiring by itself when the lock ends. */
export class RedisLockout implements Lockout {
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string; now?: () => number },
  ) {
    this.prefix = options.prefix;
    this.now = options.now ?? Date.now;
  }

  async lockedUntil(customerId: string): Promise<number | undefined> {
    const value = await this.redis.get(this.prefix + customerId);
    if (value === null) return undefined;
    const until = Number(value);
    return Number.isFinite(until) && until > this.now() ? until : undefined;
  }

  async lock(customerId: string, untilMs: number): Promise<void> {
    const ttlMs = Math.ceil(untilMs - this.now());
    if (!(ttlMs > 0)) return;
    await this.redis.eval(LOCK_UNLESS_LONGER, 1, this.prefix + customerId, String(untilMs), String(ttlMs));
  }
}

/** SET with PX, atomically, unless the key already holds a later time: a lock never shrinks. */
const LOCK_UNLESS_LONGER = `
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** For a single instance without Redis. Expired locks are dropped as they are met. */
export class MemoryLockout implements Lockout {
  private readonly locks = new Map<string, number>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  async lockedUntil(customerId: string): Promise<number | undefined> {
    this.pruneExpired();
    return this.locks.get(customerId);
  }

  async lock(customerId: string, untilMs: number): Promise<void> {
    this.pruneExpired();
    if (!(untilMs > this.now())) return;
    this.locks.set(customerId, Math.max(untilMs, this.locks.get(customerId) ?? 0));
  }

  /** How many customers are locked out now (for metrics and tests). */
  get size(): number {
    this.pruneExpired();
    return this.locks.size;
  }

  private pruneExpired(): void {
    const now = this.now();
    for (const [customerId, until] of this.locks) {
      if (until <= now) this.locks.delete(customerId);
    }
  }
}
