import { createHash, randomBytes } from 'node:crypto';
import type { SecureInput } from '../../dialogs/contract/secure';
import type { SecretBox } from '../state/secretBox';
import { parseStored } from '../state/storedJson';
import type { SecureStore } from './secureStore';
import { type Ending, type TicketRecord, TicketRecordSchema } from './ticketRecord';

/** 32 random bytes in base64url without padding: 43 characters, 256 bits. */
const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A one-use secret of 256 bits (tickets, session cookies), in base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function isSecretShaped(text: string): boolean {
  return TICKET_PATTERN.test(text);
}

/** What the store knows a ticket (or a cookie) by: its SHA-256, so a copy of the store opens nothing. */
export function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The SecretBox purpose of ticket records. */
const SEALED_AS = 'secure-ticket';
/** A change that keeps losing the race to others is given up on (the page may try again). */
const CHANGE_ATTEMPTS = 5;

export interface Ticket {
  readonly id: string;
  readonly record: TicketRecord;
}

/** How a ticket ends, and what the conversation is told (nothing when a newer ticket replaced it). */
export interface TicketEnd {
  readonly how: Ending;
  readonly event?: SecureInput;
}

/** What an edit of a ticket makes of it: its answer, the next record (unchanged without), and the ending it reaches, if any. */
export interface Edited<T> {
  readonly result: T;
  readonly next?: TicketRecord;
  readonly end?: TicketEnd;
}

/** The outcome of `change`: the edit's answer and, when this change ended the ticket, the record it ended and how. */
export interface Changed<T> {
  readonly result: T;
  readonly ended?: { readonly record: TicketRecord; readonly end: TicketEnd };
}

/**
 * Tickets as sealed records: created, read and changed with compare-and-set, so two requests of
 * one page (or two instances) never overwrite each other, and only one ending is ever recorded.
 */
export class TicketBook {
  constructor(
    private readonly store: SecureStore,
    private readonly box: SecretBox,
    /** How long after its expiry a record is kept, for its ending and for the page's answers. */
    private readonly graceMs: number,
  ) {}

  /** A new ticket for the record; the ticket itself is returned once and kept only as its hash. */
  async create(record: TicketRecord): Promise<{ readonly ticket: string; readonly id: string }> {
    const ticket = newSecret();
    const id = hashOf(ticket);
    await this.store.create(id, this.seal(record), record.expiresAt, record.expiresAt + this.graceMs);
    return { ticket, id };
  }

  async load(id: string): Promise<Ticket | undefined> {
    const raw = await this.store.read(id);
    const record = raw === undefined ? undefined : this.open(raw);
    return record === undefined ? undefined : { id, record };
  }

  /**
   * Applies an edit to the ticket as it is now, again on what another writer left when it lost the
   * race. Undefined when the ticket is gone. An ending is recorded once: an edit cannot end a ticket
   * that already ended (its ending is dropped, and `ended` tells the caller it did not end it).
   */
  async change<T>(id: string, edit: (record: TicketRecord) => Edited<T>): Promise<Changed<T> | undefined> {
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      const raw = await this.store.read(id);
      const record = raw === undefined ? undefined : this.open(raw);
      if (raw === undefined || record === undefined) return undefined;
      const edited = edit(record);
      const end = record.ended === undefined ? edited.end : undefined;
      const next = end === undefined ? edited.next : { ...(edited.next ?? record), ended: end.how };
      if (next === undefined) return { result: edited.result };
      if (await this.store.swap(id, raw, this.seal(next))) return { result: edited.result, ended: end && { record: next, end } };
    }
    throw new Error('the ticket kept changing under this request');
  }

  private seal(record: TicketRecord): string {
    return this.box.seal(SEALED_AS, Buffer.from(JSON.stringify(record)));
  }

  private open(sealed: string): TicketRecord | undefined {
    return parseStored(TicketRecordSchema, this.box.open(SEALED_AS, sealed)?.toString());
  }
}
