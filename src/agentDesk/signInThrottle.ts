import { createHmac, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';

/** Who is signing in: the client's address (the socket's, never a header) and the agent id typed. */
export interface SignInAttempt {
  readonly address: string;
  readonly id: string;
}

export type SignInGate = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Slows password guessing without letting anyone lock a real agent out:
 * - per address and id together: 5 wrong passwords block that pair, so someone else's guesses
 *   from another address do not keep the agent out;
 * - per address across ids, looser (20): one address cannot spray many ids.
 *
 * Unknown ids are counted exactly like known ones, so a 429 does not tell which ids exist.
 * Attempts in flight count as failures until they finish: a burst of parallel guesses cannot
 * slip past the limit while scrypt is still working on the first ones. A block is never dropped
 * before it ends.
 */
export interface SignInThrottle {
  /** Call before checking a password; when allowed, call `finish` exactly once afterwards. */
  begin(attempt: SignInAttempt): Promise<SignInGate>;
  finish(attempt: SignInAttempt, succeeded: boolean): Promise<void>;
}

/** `maxFailures` within `windowMs` (counted from the first) start a block of `blockMs`. */
interface Limit {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

const PAIR_LIMIT: Limit = { maxFailures: 5, windowMs: 5 * 60_000, blockMs: 5 * 60_000 };
const ADDRESS_LIMIT: Limit = { maxFailures: 20, windowMs: 5 * 60_000, blockMs: 5 * 60_000 };

/** How an attempt in flight ends for a subject: a failure, a success that clears the failures, or only released. */
type Settlement = 'failed' | 'cleared' | 'released';

/** The rules once; each backend counts a subject atomically (see `admitEntry` and `settleEntry`). */
abstract class ThrottleRules implements SignInThrottle {
  constructor(
    private readonly idKey: Buffer,
    private readonly now: () => number,
  ) {}

  async begin(attempt: SignInAttempt): Promise<SignInGate> {
    const now = this.now();
    const { pair, address } = this.subjects(attempt);
    const pairWait = await this.admit(pair, PAIR_LIMIT, now);
    if (pairWait > 0) return refused(pairWait);
    const addressWait = await this.admit(address, ADDRESS_LIMIT, now);
    if (addressWait === 0) return { allowed: true };
    await this.settle(pair, 'released', PAIR_LIMIT, now);
    return refused(addressWait);
  }

  async finish(attempt: SignInAttempt, succeeded: boolean): Promise<void> {
    const now = this.now();
    const { pair, address } = this.subjects(attempt);
    // The right password clears the pair only: knowing one password must not reset an address's spray.
    await Promise.all([
      this.settle(pair, succeeded ? 'cleared' : 'failed', PAIR_LIMIT, now),
      this.settle(address, succeeded ? 'released' : 'failed', ADDRESS_LIMIT, now),
    ]);
  }

  /** Admits one attempt in flight and returns 0, or returns the ms until one may be admitted. */
  protected abstract admit(subject: string, limit: Limit, now: number): Promise<number>;
  protected abstract settle(subject: string, how: Settlement, limit: Limit, now: number): Promise<void>;

  /**
   * `{address}` and `{address}:idHash`: the braces are a Redis hash tag, so both keys of an attempt
   * share a slot. The id is hashed with a key because people type passwords into id fields.
   */
  private subjects(attempt: SignInAttempt): { pair: string; address: string } {
    const address = `{${attempt.address}}`;
    return { address, pair: `${address}:${createHmac('sha256', this.idKey).update(attempt.id).digest('hex').slice(0, 32)}` };
  }
}

function refused(waitMs: number): SignInGate {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** One subject's count: failures in the window that started at `windowStart`, attempts in flight, the end of a block. */
interface Entry {
  failures: number;
  inFlight: number;
  windowStart: number;
  blockedUntil: number;
}

/** ADMIT below, for memory. */
function admitEntry(entry: Entry, limit: Limit, now: number): number {
  if (entry.blockedUntil > now) return entry.blockedUntil - now;
  restartExpiredWindow(entry, limit, now);
  if (entry.failures + entry.inFlight >= limit.maxFailures) return Math.max(1, entry.windowStart + limit.windowMs - now);
  entry.inFlight += 1;
  return 0;
}

/** SETTLE below, for memory; true when the entry holds nothing any more. */
function settleEntry(entry: Entry, how: Settlement, limit: Limit, now: number): boolean {
  entry.inFlight = Math.max(0, entry.inFlight - 1);
  if (how === 'failed') {
    restartExpiredWindow(entry, limit, now);
    entry.failures += 1;
    if (entry.failures >= limit.maxFailures) {
      entry.blockedUntil = now + limit.blockMs;
      entry.failures = 0;
    }
  } else if (how === 'cleared') {
    entry.failures = 0;
  }
  return entry.failures === 0 && entry.inFlight === 0 && entry.blockedUntil <= now;
}

function restartExpiredWindow(entry: Entry, limit: Limit, now: number): void {
  if (entry.windowStart + limit.windowMs > now) return;
  entry.failures = 0;
  entry.windowStart = now;
}

/**
 * For a single instance without Redis. Bounded: past `maxEntries` the oldest entries are
 * forgotten, but never one that is blocked or has an attempt in flight.
 */
export class MemorySignInThrottle extends ThrottleRules {
  /** Subject → its count; a Map iterates oldest first. */
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    // Only this process sees the hashes, so a key of its own will do.
    super(randomBytes(32), options.now ?? Date.now);
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** How many subjects are remembered (for tests). */
  get size(): number {
    return this.entries.size;
  }

  protected async admit(subject: string, limit: Limit, now: number): Promise<number> {
    let entry = this.entries.get(subject);
    if (entry === undefined) {
      this.makeRoom(now);
      entry = { failures: 0, inFlight: 0, windowStart: 0, blockedUntil: 0 };
      this.entries.set(subject, entry);
    }
    return admitEntry(entry, limit, now);
  }

  protected async settle(subject: string, how: Settlement, limit: Limit, now: number): Promise<void> {
    const entry = this.entries.get(subject);
    if (entry !== undefined && settleEntry(entry, how, limit, now)) this.entries.delete(subject);
  }

  private makeRoom(now: number): void {
    for (const [subject, entry] of this.entries) {
      if (this.entries.size < this.maxEntries) return;
      if (entry.blockedUntil <= now && entry.inFlight === 0) this.entries.delete(subject);
    }
  }
}

/**
 * Shared by every instance: one hash per subject under `${prefix}sign-in:`, compared with the
 * caller's clock, expiring by itself once its window and its block are over.
 */
export class RedisSignInThrottle extends ThrottleRules {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string; idKey: Buffer; now?: () => number },
  ) {
    super(options.idKey, options.now ?? Date.now);
    this.prefix = `${options.prefix}sign-in:`;
  }

  protected async admit(subject: string, limit: Limit, now: number): Promise<number> {
    return Number(await this.redis.eval(ADMIT, 1, this.prefix + subject, String(now), String(limit.windowMs), String(limit.maxFailures)));
  }

  protected async settle(subject: string, how: Settlement, limit: Limit, now: number): Promise<void> {
    await this.redis.eval(
      SETTLE,
      1,
      this.prefix + subject,
      String(now),
      String(limit.windowMs),
      String(limit.maxFailures),
      String(limit.blockMs),
      how,
    );
  }
}

/** Reads a subject's hash into f (failures), i (in flight), w (window start), b (blocked until). */
const READ = `
local now, window, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'f', 'i', 'w', 'b')
local f, i, w, b = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0, tonumber(s[4]) or 0
`;

/** Writes it back, to expire when neither its window nor its block matters any more. */
const WRITE = `
redis.call('HSET', KEYS[1], 'f', f, 'i', i, 'w', w, 'b', b)
redis.call('PEXPIRE', KEYS[1], math.max(w + window, b, now + 1) - now)
`;

/** As `admitEntry`. */
const ADMIT = `${READ}
if b > now then return b - now end
if w + window <= now then f = 0; w = now end
if f + i >= max then return math.max(1, w + window - now) end
i = i + 1
${WRITE}
return 0
`;

/** As `settleEntry`; ARGV[4] the block's length, ARGV[5] the settlement. */
const SETTLE = `${READ}
i = math.max(0, i - 1)
if ARGV[5] == 'failed' then
  if w + window <= now then f = 0; w = now end
  f = f + 1
  if f >= max then b = now + tonumber(ARGV[4]); f = 0 end
elseif ARGV[5] == 'cleared' then
  f = 0
end
if f == 0 and i == 0 and b <= now then
  redis.call('DEL', KEYS[1])
  return 0
end
${WRITE}
return 0
`;
