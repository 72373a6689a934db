import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import {
  OTP_ATTEMPT_WINDOW_MS,
  OTP_LOCKOUT_MS,
  OTP_MAX_ATTEMPTS,
  OTP_MAX_SENDS,
  OTP_RESEND_INTERVAL_MS,
  OTP_SEND_WINDOW_MS,
} from './oneTimePassword';

/** Whom a code is for: `customerIdOf(rrn)` and `phoneIdOf(phone)`, keyed hashes, never the numbers. */
export interface CustomerAndPhone {
  readonly customerId: string;
  readonly phoneId: string;
}

export type SendPermission =
  | { readonly allowed: true }
  /** A code went to this phone less than `OTP_RESEND_INTERVAL_MS` ago. */
  | { readonly allowed: false; readonly reason: 'tooSoon'; readonly retryAt: number }
  /** `OTP_MAX_SENDS` codes went to this phone within the rolling hour. */
  | { readonly allowed: false; readonly reason: 'hourlyLimit'; readonly retryAt: number };

export type WrongCodeOutcome =
  { readonly locked: false; readonly attemptsLeft: number } | { readonly locked: true; readonly until: number };

/**
 * The limits on one-time codes, kept per customer and per phone rather than per challenge, so
 * that cancelling, a new conversation or a restart of the bot never starts them afresh:
 * - the 5th wrong code within an hour, for the customer or for the phone, locks both out for
 *   `OTP_LOCKOUT_MS`;
 * - a code goes to a phone 30 s after the previous one at the earliest, and 5 times a rolling
 *   hour at most, whatever conversation or customer asks;
 * - a right code starts every count of that customer and phone afresh.
 * Times are epoch ms from the caller's clock.
 */
export interface VerificationLimits {
  /** Until when the customer or the phone is locked out (the later of the two), or undefined. */
  lockedUntil(who: CustomerAndPhone, now: number): Promise<number | undefined>;
  /** Counts a send to the phone if the limits allow it now; otherwise says why and when it may be. */
  reserveSend(phoneId: string, now: number): Promise<SendPermission>;
  /** Counts a wrong code against the customer and the phone; the one that reaches the limit locks both. */
  recordWrongCode(who: CustomerAndPhone, now: number): Promise<WrongCodeOutcome>;
  /**
   * A right code shows that the phone is the customer's: the counts of both start from zero, and
   * the phone may get its next code at once (추가 인증 follows 본인 인증 straight away). The
   * limits bind whoever asks for codes without holding the phone, never its owner's next journey.
   */
  recordRightCode(who: CustomerAndPhone): Promise<void>;
}

/** Whose count a key holds; also the Redis hash tag, so that one script's keys share a slot. */
const customer = (customerId: string) => `customer:${customerId}`;
const phone = (phoneId: string) => `phone:${phoneId}`;

/** The rules once; each backend provides the counting and the locks, atomically. */
abstract class LimitRules implements VerificationLimits {
  async lockedUntil(who: CustomerAndPhone, now: number): Promise<number | undefined> {
    const locks = await Promise.all([this.lockOf(customer(who.customerId), now), this.lockOf(phone(who.phoneId), now)]);
    const latest = Math.max(...locks.map((until) => until ?? 0));
    return latest > now ? latest : undefined;
  }

  async recordWrongCode(who: CustomerAndPhone, now: number): Promise<WrongCodeOutcome> {
    const subjects = [customer(who.customerId), phone(who.phoneId)];
    const counts = await Promise.all(subjects.map((subject) => this.countWrongCode(subject, now)));
    const most = Math.max(...counts);
    if (most < OTP_MAX_ATTEMPTS) return { locked: false, attemptsLeft: OTP_MAX_ATTEMPTS - most };
    const until = now + OTP_LOCKOUT_MS;
    await Promise.all(subjects.map((subject) => this.lock(subject, until, now)));
    // Once the lock ends, both start again from zero.
    await Promise.all(subjects.map((subject) => this.forgetWrongCodes(subject)));
    return { locked: true, until };
  }

  async recordRightCode(who: CustomerAndPhone): Promise<void> {
    await Promise.all([
      this.forgetWrongCodes(customer(who.customerId)),
      this.forgetWrongCodes(phone(who.phoneId)),
      this.forgetSends(who.phoneId),
    ]);
  }

  abstract reserveSend(phoneId: string, now: number): Promise<SendPermission>;
  protected abstract lockOf(subject: string, now: number): Promise<number | undefined>;
  /** Never shortens a lock. */
  protected abstract lock(subject: string, until: number, now: number): Promise<void>;
  /** Adds one wrong code now and returns how many are within `OTP_ATTEMPT_WINDOW_MS`. */
  protected abstract countWrongCode(subject: string, now: number): Promise<number>;
  protected abstract forgetWrongCodes(subject: string): Promise<void>;
  /** The hour's sends and the wait for the next one. */
  protected abstract forgetSends(phoneId: string): Promise<void>;
}

/**
 * Shared by every instance. Per subject, under `${prefix}verification:{subject}:`: `lock` (the
 * lock's end), `wrong` and `sends` (sorted sets of times within their window) and `wait` (when
 * the phone may get its next code). Every key expires by itself, in real time, once it no longer
 * matters; the values are compared with the caller's clock.
 */
export class RedisVerificationLimits extends LimitRules {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string },
  ) {
    super();
    this.prefix = options.prefix;
  }

  async reserveSend(phoneId: string, now: number): Promise<SendPermission> {
    const subject = phone(phoneId);
    const [verdict, retryAt] = (await this.redis.eval(
      RESERVE_SEND,
      2,
      this.key(subject, 'sends'),
      this.key(subject, 'wait'),
      String(now),
      String(OTP_SEND_WINDOW_MS),
      String(OTP_MAX_SENDS),
      String(OTP_RESEND_INTERVAL_MS),
      `${now}:${randomUUID()}`,
    )) as [string, number?];
    if (verdict === 'tooSoon' || verdict === 'hourlyLimit') return { allowed: false, reason: verdict, retryAt: Number(retryAt) };
    return { allowed: true };
  }

  protected async lockOf(subject: string, now: number): Promise<number | undefined> {
    const until = Number(await this.redis.get(this.key(subject, 'lock')));
    return until > now ? until : undefined;
  }

  protected async lock(subject: string, until: number, now: number): Promise<void> {
    await this.redis.eval(LOCK_UNLESS_LONGER, 1, this.key(subject, 'lock'), String(until), String(Math.ceil(until - now)));
  }

  protected async countWrongCode(subject: string, now: number): Promise<number> {
    return Number(
      await this.redis.eval(
        COUNT_WITHIN_WINDOW,
        1,
        this.key(subject, 'wrong'),
        String(now),
        String(OTP_ATTEMPT_WINDOW_MS),
        `${now}:${randomUUID()}`,
      ),
    );
  }

  protected async forgetWrongCodes(subject: string): Promise<void> {
    await this.redis.del(this.key(subject, 'wrong'));
  }

  protected async forgetSends(phoneId: string): Promise<void> {
    await this.redis.del(this.key(phone(phoneId), 'sends'), this.key(phone(phoneId), 'wait'));
  }

  private key(subject: string, what: 'lock' | 'wrong' | 'sends' | 'wait'): string {
    return `${this.prefix}verification:{${subject}}:${what}`;
  }
}

/** SET with PX, atomically, unless the key already holds a later time: a lock never shrinks. */
const LOCK_UNLESS_LONGER = `
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Drops the times that left the window, adds this one, and counts. */
const COUNT_WITHIN_WINDOW = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])
`;

/** The hourly limit first (it is the longer wait), then the interval; a send that may go is counted in the same step. */
const RESERVE_SEND = `
local now, window, most, interval = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= most then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {'hourlyLimit', tonumber(oldest[2]) + window}
end
local waitUntil = tonumber(redis.call('GET', KEYS[2]))
if waitUntil and waitUntil > now then return {'tooSoon', waitUntil} end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('SET', KEYS[2], now + interval, 'PX', interval)
return {'sent'}
`;

/** For a single instance without Redis. Entries that no longer matter are dropped as time passes. */
export class MemoryVerificationLimits extends LimitRules {
  private readonly locks = new Map<string, number>();
  private readonly wrongCodes = new Map<string, number[]>();
  private readonly sends = new Map<string, number[]>();
  private readonly waits = new Map<string, number>();

  async reserveSend(phoneId: string, now: number): Promise<SendPermission> {
    this.forgetPast(now);
    const subject = phone(phoneId);
    const sent = this.sends.get(subject) ?? [];
    const oldest = sent[0];
    if (oldest !== undefined && sent.length >= OTP_MAX_SENDS)
      return { allowed: false, reason: 'hourlyLimit', retryAt: oldest + OTP_SEND_WINDOW_MS };
    const waitUntil = this.waits.get(subject);
    if (waitUntil !== undefined) return { allowed: false, reason: 'tooSoon', retryAt: waitUntil };
    this.sends.set(subject, [...sent, now]);
    this.waits.set(subject, now + OTP_RESEND_INTERVAL_MS);
    return { allowed: true };
  }

  /** How many customers and phones have anything counted or locked (for tests). */
  get size(): number {
    return new Set([...this.locks.keys(), ...this.wrongCodes.keys(), ...this.sends.keys(), ...this.waits.keys()]).size;
  }

  protected async lockOf(subject: string, now: number): Promise<number | undefined> {
    this.forgetPast(now);
    return this.locks.get(subject);
  }

  protected async lock(subject: string, until: number): Promise<void> {
    this.locks.set(subject, Math.max(until, this.locks.get(subject) ?? 0));
  }

  protected async countWrongCode(subject: string, now: number): Promise<number> {
    this.forgetPast(now);
    const times = [...(this.wrongCodes.get(subject) ?? []), now];
    this.wrongCodes.set(subject, times);
    return times.length;
  }

  protected async forgetWrongCodes(subject: string): Promise<void> {
    this.wrongCodes.delete(subject);
  }

  protected async forgetSends(phoneId: string): Promise<void> {
    this.sends.delete(phone(phoneId));
    this.waits.delete(phone(phoneId));
  }

  private forgetPast(now: number): void {
    for (const [subject, until] of this.locks) if (until <= now) this.locks.delete(subject);
    for (const [subject, until] of this.waits) if (until <= now) this.waits.delete(subject);
    keepWithin(this.wrongCodes, now - OTP_ATTEMPT_WINDOW_MS);
    keepWithin(this.sends, now - OTP_SEND_WINDOW_MS);
  }
}

/** Drops the times at or before `since`, and the subjects left with none. */
function keepWithin(times: Map<string, number[]>, since: number): void {
  for (const [subject, list] of times) {
    const kept = list.filter((time) => time > since);
    if (kept.length === 0) times.delete(subject);
    else times.set(subject, kept);
  }
}
