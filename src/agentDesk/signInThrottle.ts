/**
 * Slows password guessing per agent id: after `maxFailures` wrong attempts within `windowMs`,
 * every attempt for that id is refused for `blockMs` without checking the password.
 *
 * Kept in process memory, on purpose for now: with several instances each one counts on its
 * own (an attacker gets `maxFailures` per instance per window), and a restart forgets. Move it
 * to Redis before running many instances on the open internet.
 *
 * Unknown ids are counted exactly like known ones, so a 429 does not tell which ids exist.
 * Attempts in flight count as failures until they finish: a burst of parallel guesses cannot
 * slip past the limit while scrypt is still working on the first ones.
 */
export class SignInThrottle {
  /** Id → recent failures (epoch ms), attempts in flight, end of a block. Oldest first. */
  private readonly entries = new Map<string, { failures: number[]; inFlight: number; blockedUntil: number }>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly blockMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { maxFailures?: number; windowMs?: number; blockMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.blockMs = options.blockMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Call before checking a password; when allowed, call `finish` exactly once afterwards. */
  begin(id: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const entry = this.entry(id);
    if (entry.blockedUntil > now) return { allowed: false, retryAfterSeconds: Math.ceil((entry.blockedUntil - now) / 1000) };
    entry.failures = entry.failures.filter((at) => at > now - this.windowMs);
    if (entry.failures.length + entry.inFlight >= this.maxFailures) {
      const oldest = entry.failures[0];
      return { allowed: false, retryAfterSeconds: oldest === undefined ? 1 : Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    entry.inFlight += 1;
    return { allowed: true };
  }

  /** A success forgets earlier failures; the failure that reaches the limit starts the block. */
  finish(id: string, succeeded: boolean): void {
    const now = this.now();
    const entry = this.entry(id);
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (succeeded) {
      entry.failures = [];
    } else {
      entry.failures = entry.failures.filter((at) => at > now - this.windowMs);
      entry.failures.push(now);
      if (entry.failures.length >= this.maxFailures) {
        entry.blockedUntil = now + this.blockMs;
        entry.failures = [];
      }
    }
    if (entry.failures.length === 0 && entry.inFlight === 0 && entry.blockedUntil <= now) this.entries.delete(id);
  }

  /** How many ids are remembered (for metrics and tests). */
  get size(): number {
    return this.entries.size;
  }

  private entry(id: string): { failures: number[]; inFlight: number; blockedUntil: number } {
    const existing = this.entries.get(id);
    if (existing !== undefined) return existing;
    const created = { failures: [], inFlight: 0, blockedUntil: 0 };
    this.entries.set(id, created);
    // Under a flood of made-up ids, forget the oldest rather than grow without bound.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return created;
  }
}
