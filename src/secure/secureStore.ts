import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * What leads to a ticket besides the ticket itself: the conversation's current ticket, the cookie
 * it was redeemed with, a handover code, and a CA reference number. Each key is kept as its
 * SHA-256, so the store holds none of them.
 */
export type LinkKind = 'conversation' | 'session' | 'handover' | 'reference';

/**
 * The secure step's records: tickets (by id, the SHA-256 of the ticket; the value is opaque, sealed
 * by the caller), the schedule of their expiries, and the links to them. Redis (shared by every
 * instance) or memory (one process); the same contract.
 */
export interface SecureStore {
  /** A new ticket, on the expiry schedule at `expiresAt`; its record is kept until `keepUntil` (its ending is handled meanwhile). */
  create(id: string, value: string, expiresAt: number, keepUntil: number): Promise<void>;
  read(id: string): Promise<string | undefined>;
  /** Compare-and-set: writes `next` only if the record is still `expected`; it keeps its lifetime. */
  swap(id: string, expected: string, next: string): Promise<boolean>;
  /** Tickets whose expiry passed and that are still on the schedule, oldest first, at most `limit`. */
  due(now: number, limit: number): Promise<string[]>;
  /** Takes a ticket off the expiry schedule: it ended. */
  unschedule(id: string): Promise<void>;
  /** Points `key` of `kind` at a ticket until `expiresAt`; returns the ticket it pointed at before, if any. */
  link(kind: LinkKind, key: string, id: string, expiresAt: number): Promise<string | undefined>;
  follow(kind: LinkKind, key: string): Promise<string | undefined>;
  /** Follows a link and removes it, at once: a one-use code. */
  take(kind: LinkKind, key: string): Promise<string | undefined>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes `ARGV[2]` if the key still holds `ARGV[1]`, keeping its expiry. */
const SWAP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

/**
 * Under `<prefix>secure/`: `ticket/<id>`, `expiry` (a sorted set of ids by expiry) and
 * `<kind>/<sha256(key)>`. Every key but the schedule expires by itself.
 */
export class RedisSecureStore implements SecureStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(id: string, value: string, expiresAt: number, keepUntil: number): Promise<void> {
    // Together: a ticket off the schedule would never be told it expired.
    await this.redis.multi().set(this.ticketKey(id), value, 'PX', this.lifetime(keepUntil)).zadd(this.scheduleKey(), expiresAt, id).exec();
  }

  async read(id: string): Promise<string | undefined> {
    return (await this.redis.get(this.ticketKey(id))) ?? undefined;
  }

  async swap(id: string, expected: string, next: string): Promise<boolean> {
    return (await this.redis.eval(SWAP, 1, this.ticketKey(id), expected, next)) === 1;
  }

  async due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.scheduleKey(), '-inf', now, 'LIMIT', 0, limit);
  }

  async unschedule(id: string): Promise<void> {
    await this.redis.zrem(this.scheduleKey(), id);
  }

  async link(kind: LinkKind, key: string, id: string, expiresAt: number): Promise<string | undefined> {
    return (await this.redis.set(this.linkKey(kind, key), id, 'PX', this.lifetime(expiresAt), 'GET')) ?? undefined;
  }

  async follow(kind: LinkKind, key: string): Promise<string | undefined> {
    return (await this.redis.get(this.linkKey(kind, key))) ?? undefined;
  }

  async take(kind: LinkKind, key: string): Promise<string | undefined> {
    return (await this.redis.getdel(this.linkKey(kind, key))) ?? undefined;
  }

  private lifetime(until: number): number {
    return Math.max(1, Math.ceil(until - this.clock()));
  }

  private ticketKey(id: string): string {
    return `${this.prefix}secure/ticket/${id}`;
  }

  private scheduleKey(): string {
    return `${this.prefix}secure/expiry`;
  }

  private linkKey(kind: LinkKind, key: string): string {
    return `${this.prefix}secure/${kind}/${sha256(key)}`;
  }
}

interface Kept {
  value: string;
  until: number;
}

/** For a single process without Redis; what expired is dropped as it is met. */
export class MemorySecureStore implements SecureStore {
  private readonly tickets = new Map<string, Kept>();
  private readonly schedule = new Map<string, number>();
  private readonly links = new Map<string, Kept>();

  constructor(private readonly clock: () => number = Date.now) {}

  async create(id: string, value: string, expiresAt: number, keepUntil: number): Promise<void> {
    this.tickets.set(id, { value, until: keepUntil });
    this.schedule.set(id, expiresAt);
  }

  async read(id: string): Promise<string | undefined> {
    return this.live(this.tickets, id);
  }

  async swap(id: string, expected: string, next: string): Promise<boolean> {
    const kept = this.tickets.get(id);
    if (this.live(this.tickets, id) !== expected || kept === undefined) return false;
    kept.value = next;
    return true;
  }

  async due(now: number, limit: number): Promise<string[]> {
    return [...this.schedule]
      .filter(([, expiresAt]) => expiresAt <= now)
      .sort(([, a], [, b]) => a - b)
      .slice(0, limit)
      .map(([id]) => id);
  }

  async unschedule(id: string): Promise<void> {
    this.schedule.delete(id);
  }

  async link(kind: LinkKind, key: string, id: string, expiresAt: number): Promise<string | undefined> {
    const name = `${kind}/${sha256(key)}`;
    const previous = this.live(this.links, name);
    this.links.set(name, { value: id, until: expiresAt });
    return previous;
  }

  async follow(kind: LinkKind, key: string): Promise<string | undefined> {
    return this.live(this.links, `${kind}/${sha256(key)}`);
  }

  async take(kind: LinkKind, key: string): Promise<string | undefined> {
    const name = `${kind}/${sha256(key)}`;
    const value = this.live(this.links, name);
    this.links.delete(name);
    return value;
  }

  /** The value while it lives; a dead one is dropped (with the other dead ones of its map). */
  private live(map: Map<string, Kept>, key: string): string | undefined {
    const now = this.clock();
    for (const [name, kept] of map) if (kept.until <= now) map.delete(name);
    return map.get(key)?.value;
  }
}
