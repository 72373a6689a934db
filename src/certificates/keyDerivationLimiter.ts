/**
 * Who may spend how much key-derivation work, and how much runs at once.
 *
 * Opening a customer's files with a password costs what the files declare (keyDerivationWork.ts
 * caps one file). Two limits keep that from being repeated into a denial of service:
 *  - a budget per customer and time window, in Redis so that every instance draws on the same one
 *    (in memory without Redis);
 *  - at most a few unlocks at once in this process, the rest waiting in a short queue, so that
 *    libuv's four threads always have room for other work: an agent's scrypt sign-in, file and
 *    DNS I/O.
 * Either one refuses with KeyDerivationDeferred, which says when to try again.
 */
import type Redis from 'ioredis';
import { derivationCost, type DeclaredDerivation } from './npki/keyDerivationWork';

import type { DeferralCause } from '../../dialogs/contract/domain';

export type { DeferralCause } from '../../dialogs/contract/domain';

export class KeyDerivationDeferred extends Error {
  override name = 'KeyDerivationDeferred';

  constructor(
    readonly reason: DeferralCause,
    readonly retryAfterMs: number,
  ) {
    super(`key derivation deferred (${reason}), retry after ${retryAfterMs} ms`);
  }
}

/** The window's budget a customer has drawn on. */
export interface KeyDerivationBudget {
  /** Charges `cost` to `owner`; when it does not fit in the window, charges nothing and says when the window ends. */
  charge(owner: string, cost: number): Promise<{ readonly charged: true } | { readonly charged: false; readonly retryAfterMs: number }>;
}

export interface BudgetOptions {
  /** Work one customer may spend per window, in rounds of native PBKDF2. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * 4,000,000 rounds per 10 minutes, about a second of one core. A real customer's files cost 2,048
 * (PBES2) to 49,152 (a 3DES PFX, as CAs export it) a password turn, so hundreds of turns fit; a file
 * at the cap costs 100,000 (PBKDF2) to 800,000 (PKCS#12's KDF, KISA's PBKDF1), so a handful do.
 */
export const DEFAULT_BUDGET: BudgetOptions = { limit: 4_000_000, windowMs: 10 * 60_000 };

/** A fixed window per customer, shared by every instance: one key that expires with its window. */
export class RedisKeyDerivationBudget implements KeyDerivationBudget {
  constructor(
    private readonly redis: Redis,
    private readonly options: BudgetOptions & { readonly prefix: string },
  ) {}

  async charge(owner: string, cost: number) {
    const args = [String(cost), String(this.options.limit), String(this.options.windowMs)];
    const [charged, ttl] = (await this.redis.eval(CHARGE_IF_IT_FITS, 1, this.options.prefix + owner, ...args)) as [number, number];
    return charged === 1 ? ({ charged: true } as const) : ({ charged: false, retryAfterMs: Math.max(ttl, 1) } as const);
  }
}

/** INCRBY only when the sum stays within the limit; the first charge of a window sets its expiry. */
const CHARGE_IF_IT_FITS = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
if spent + tonumber(ARGV[1]) > tonumber(ARGV[2]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = tonumber(ARGV[3]) end
  return {0, ttl}
end
redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, 0}
`;

/** Customers remembered by the in-memory budget; under a flood of made-up ones, the oldest window is forgotten. */
const MAX_OWNERS_IN_MEMORY = 10_000;

/** For a single instance without Redis. Windows that ended are dropped as they are met. */
export class MemoryKeyDerivationBudget implements KeyDerivationBudget {
  private readonly windows = new Map<string, { spent: number; endsAt: number }>();

  constructor(private readonly options: BudgetOptions = DEFAULT_BUDGET) {}

  async charge(owner: string, cost: number) {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    const window = this.windows.get(owner) ?? { spent: 0, endsAt: now + this.options.windowMs };
    if (window.spent + cost > this.options.limit) return { charged: false, retryAfterMs: window.endsAt - now } as const;
    window.spent += cost;
    this.windows.set(owner, window);
    if (this.windows.size > MAX_OWNERS_IN_MEMORY) this.windows.delete(this.windows.keys().next().value as string);
    return { charged: true } as const;
  }
}

export interface ConcurrencyOptions {
  /** Unlocks running at once; the rest of libuv's four threads stay free. */
  readonly maxRunning: number;
  /** Unlocks waiting for a turn; one more is refused as 'busy'. */
  readonly maxWaiting: number;
}

const DEFAULT_CONCURRENCY: ConcurrencyOptions = { maxRunning: 2, maxWaiting: 8 };

/** How long a customer turned away as 'busy' is told to wait: the queue drains in well under that. */
const BUSY_RETRY_MS = 10_000;

/** Runs unlocks within a customer's budget and the process's limit on concurrent derivations. */
export class KeyDerivationLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly budget: KeyDerivationBudget,
    private readonly concurrency: ConcurrencyOptions = DEFAULT_CONCURRENCY,
  ) {}

  /**
   * Runs `task`, which derives at most `work`, once `owner` has the budget for it and a slot is
   * free. The budget is charged when the task starts, whatever its outcome: a wrong password costs
   * the same CPU as a right one. Throws KeyDerivationDeferred without running it otherwise.
   */
  async run<T>(owner: string, work: readonly DeclaredDerivation[], task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      const charge = await this.budget.charge(owner, derivationCost(work));
      if (!charge.charged) throw new KeyDerivationDeferred('budgetSpent', charge.retryAfterMs);
      return await task();
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency.maxRunning) {
      this.running += 1;
      return;
    }
    if (this.waiting.length >= this.concurrency.maxWaiting) throw new KeyDerivationDeferred('busy', BUSY_RETRY_MS);
    // The slot is handed over by release(), so `running` stays counted meanwhile.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.running -= 1;
  }
}
