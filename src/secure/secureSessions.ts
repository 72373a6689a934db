import { randomInt } from 'node:crypto';
import type { SecureStore } from './secureStore';
import { SecureRefusal } from './secureRefusal';
import type { Continued, Handover, OpenRefusal } from './secureApi';
import { hashOf, isSecretShaped, newSecret, type Edited, type Ticket, type TicketBook } from './ticketBook';
import type { TicketLifecycle } from './ticketLifecycle';
import type { Ending, TicketRecord } from './ticketRecord';

/** A redeemed ticket, as one request of its page holds it. */
export interface SecureSession {
  readonly id: string;
  /** The record as this request loaded it: for reading; changes go through `change`. */
  readonly record: TicketRecord;
  /** Applies an edit to the ticket as it is now; refused (410) when it ended meanwhile. */
  change<T>(edit: (record: TicketRecord) => Edited<T>): Promise<T>;
}

export interface Redeemed {
  readonly record: TicketRecord;
  /** A new cookie, on the first open; none on a reload with the cookie it was redeemed with. */
  readonly cookie?: string;
}

/** How long a handover code works, and its shape: 8 characters without look-alikes (no 0/O, 1/I/L). */
const HANDOVER_MS = 10 * 60 * 1000;
const HANDOVER_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const HANDOVER_LENGTH = 8;

export interface SecureSessionsDependencies {
  readonly book: TicketBook;
  readonly store: SecureStore;
  readonly lifecycle: TicketLifecycle;
  /** BANK_APP_LINK: the bank's app's deep link, with `{ticket}` where the ticket goes. */
  readonly appLink: string;
  readonly clock: () => number;
}

/**
 * The page's hold on its ticket: redeemed once, with a POST (a GET never uses it up, so a link
 * preview leaves it usable), and bound to a cookie that every later call carries; a reload with
 * that cookie is the same page again. A page in a messaging app's browser hands the step over to
 * the bank's app (a deep link with a fresh ticket) or to a PC (a short one-time code).
 */
export class SecureSessions {
  constructor(private readonly deps: SecureSessionsDependencies) {}

  /** `POST /secure/api/open`: 404 `unknown`, 410 `used` or `expired`, or the ticket's record (and a new cookie on first use). */
  async redeem(ticket: string, cookie: string | undefined): Promise<Redeemed> {
    if (!isSecretShaped(ticket)) throw refusal('unknown');
    const { id, record } = await this.live(hashOf(ticket), 'unknown');
    const presented = cookie !== undefined && isSecretShaped(cookie) ? hashOf(cookie) : undefined;
    if (record.session !== undefined) {
      if (record.session === presented) return { record };
      throw refusal('used');
    }
    const fresh = newSecret();
    const bound = await this.deps.lifecycle.settle(id, (now) => {
      if (now.session !== undefined || now.ended !== undefined) return { result: undefined };
      const next = { ...now, session: hashOf(fresh) };
      return { result: next, next };
    });
    // Another request redeemed it first (a second device, or a double click in another browser).
    if (bound === undefined) throw refusal('used');
    await this.deps.store.link('session', fresh, id, this.deps.lifecycle.keptUntil(bound));
    return { record: bound, cookie: fresh };
  }

  /** The session of a request's cookie: 401 without one, 410 once its ticket ended or expired. */
  async session(cookie: string | undefined): Promise<SecureSession> {
    if (cookie === undefined || !isSecretShaped(cookie)) throw new SecureRefusal(401, 'noSession');
    const id = await this.deps.store.follow('session', cookie);
    if (id === undefined) throw new SecureRefusal(401, 'noSession');
    const { record } = await this.live(id, 'expired');
    if (record.session !== hashOf(cookie)) throw new SecureRefusal(401, 'noSession');
    return {
      id,
      record,
      change: async <T>(edit: (record: TicketRecord) => Edited<T>): Promise<T> => {
        type Outcome = { live: false; ended: Ending } | { live: true; value: T };
        const outcome = await this.deps.lifecycle.settle(id, (now): Edited<Outcome> => {
          if (now.ended !== undefined) return { result: { live: false, ended: now.ended } };
          const edited = edit(now);
          return { ...edited, result: { live: true, value: edited.result } };
        });
        if (outcome === undefined) throw refusal('expired');
        if (!outcome.live) throw refusal(refusalOf(outcome.ended));
        return outcome.value;
      },
    };
  }

  /** `POST /secure/api/handover`: a code for a PC, or the bank's app's link with a fresh ticket (which replaces this one). */
  async handover(session: SecureSession, to: 'pc' | 'app'): Promise<Handover> {
    if (to === 'app') {
      const { ticket } = await this.deps.lifecycle.reopen(session.record);
      return { appLink: this.deps.appLink.replace('{ticket}', ticket) };
    }
    const code = Array.from({ length: HANDOVER_LENGTH }, () => HANDOVER_ALPHABET.charAt(randomInt(HANDOVER_ALPHABET.length))).join('');
    const expiresAt = Math.min(this.deps.clock() + HANDOVER_MS, session.record.expiresAt);
    await this.deps.store.link('handover', code, session.id, expiresAt);
    return { code, expiresAt };
  }

  /** `POST /secure/api/continue`: the code, once, gives a fresh ticket for the same step. */
  async continueWith(typed: string): Promise<Continued> {
    const code = typed.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
    const id = code.length === HANDOVER_LENGTH ? await this.deps.store.take('handover', code) : undefined;
    if (id === undefined) throw new SecureRefusal(404, 'unknown');
    const { record } = await this.live(id, 'expired');
    return this.deps.lifecycle.reopen(record);
  }

  /** The ticket while it may be used: a missing one is refused as `missing`, an ended or expired one with 410. */
  private async live(id: string, missing: OpenRefusal): Promise<Ticket> {
    const ticket = await this.deps.book.load(id);
    if (ticket === undefined) throw refusal(missing);
    const { record } = ticket;
    if (record.ended !== undefined) throw refusal(refusalOf(record.ended));
    if (record.expiresAt <= this.deps.clock()) {
      await this.deps.lifecycle.expire(id);
      throw refusal('expired');
    }
    return ticket;
  }
}

function refusal(reason: OpenRefusal): SecureRefusal {
  return new SecureRefusal(reason === 'unknown' ? 404 : 410, reason);
}

/** A ticket that did its work was used; one that ran out or was replaced by a newer link expired. */
function refusalOf(ending: Ending): OpenRefusal {
  return ending === 'expired' || ending === 'replaced' ? 'expired' : 'used';
}
