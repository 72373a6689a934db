import { randomBytes } from 'node:crypto';
import type { Language, VerifiedIdentity } from '../../dialogs/contract/domain';
import type { SecureInput, SecureStepSpec } from '../../dialogs/contract/secure';
import type { CertificateService } from '../certificates/certificateService';
import type { Logger } from '../logging/logger';
import type { StateAddress } from '../state/conversationStore';
import { ConversationReferenceSchema } from '../state/handoffRecord';
import type { SecureStore } from './secureStore';
import type { Edited, TicketBook, TicketEnd } from './ticketBook';
import type { RenewingRecord, SecureConversation, TicketRecord } from './ticketRecord';

/** A ticket works for 10 minutes from the link, redeemed or not. */
export const TICKET_LIFETIME_MS = 10 * 60 * 1000;
/** How long a record outlives its ticket: its ending is handled meanwhile, and the page told "used" or "expired", not "unknown". */
export const TICKET_GRACE_MS = 10 * 60 * 1000;
/** How often expired tickets are looked for; each call of the page checks its own ticket too. */
const SWEEP_INTERVAL_MS = 30 * 1000;
const SWEEP_BATCH = 100;

/**
 * How a step's outcome reaches the conversation: a turn without an activity, run by the bot, whose
 * replies go to the customer proactively (the app wires it). A customer's channel can never send these.
 */
export type SecureDelivery = (conversation: SecureConversation, event: SecureInput) => Promise<void>;

export interface OpenRequest {
  readonly address: StateAddress;
  /** The conversation's reference, as the bot's turn has it; checked here. */
  readonly reference: unknown;
  readonly language: Language;
  readonly step: SecureStepSpec;
  readonly customer?: VerifiedIdentity;
}

export interface TicketLifecycleDependencies {
  readonly book: TicketBook;
  readonly store: SecureStore;
  readonly deliver: SecureDelivery;
  /**
   * Settles what the CA issued on a ticket: delivered once the device kept it, else revoked (the
   * issuance journal); a renewal's old certificate is revoked once its successor is delivered.
   */
  readonly certificates: Pick<CertificateService, 'confirmDelivery' | 'abandonIssuance' | 'revoke'>;
  /** SECURE_ORIGIN, as the customer's browser reaches it. */
  readonly origin: () => string;
  readonly logger: Logger;
  readonly clock: () => number;
}

/**
 * A ticket's life: opened for one step of one conversation (replacing the conversation's older
 * one), changed by the page, and ended once — completed, failed, cancelled, expired or replaced.
 * The ending that wins the compare-and-set alone tells the conversation, so each step delivers
 * exactly once, whichever instance or sweep sees it first.
 */
export class TicketLifecycle {
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: TicketLifecycleDependencies) {}

  /** Stores a ticket for the step; returns the ticket and the page's URL. The conversation's older ticket ends, quietly. */
  async open(request: OpenRequest): Promise<{ readonly ticket: string; readonly url: string }> {
    const now = this.deps.clock();
    const proves = request.step.kind === 'registration' || request.step.kind === 'renewal';
    const record: TicketRecord = {
      conversation: {
        address: request.address,
        reference: ConversationReferenceSchema.parse(request.reference),
        language: request.language,
      },
      step: request.step,
      customer: request.customer,
      createdAt: now,
      expiresAt: now + TICKET_LIFETIME_MS,
      challenge: proves ? randomBytes(32).toString('base64') : undefined,
      consents: [],
      wrongPasswords: 0,
    };
    const { ticket, id } = await this.deps.book.create(record);
    const older = await this.deps.store.link('conversation', request.address.conversationKey, id, this.keptUntil(record));
    if (older !== undefined && older !== id) await this.settle(older, () => ({ result: undefined, end: { how: 'replaced' } }));
    return { ticket, url: `${this.deps.origin()}/secure/${ticket}` };
  }

  /** A fresh ticket for the same step of the same conversation (a handover to another device), replacing this one. */
  reopen(record: TicketRecord): Promise<{ readonly ticket: string; readonly url: string }> {
    const { address, reference, language } = record.conversation;
    return this.open({ address, reference, language, step: record.step, customer: record.customer });
  }

  /** When the record and its links are dropped. */
  keptUntil(record: TicketRecord): number {
    return record.expiresAt + TICKET_GRACE_MS;
  }

  /**
   * Applies an edit; when it ended the ticket, takes it off the schedule, settles a certificate
   * issued on it (delivered, or revoked when nobody saved it), and tells the conversation.
   * Undefined when the ticket is gone.
   */
  async settle<T>(id: string, edit: (record: TicketRecord) => Edited<T>): Promise<T | undefined> {
    const changed = await this.deps.book.change(id, edit);
    if (changed?.ended !== undefined) await this.afterEnding(id, changed.ended.record, changed.ended.end);
    return changed?.result;
  }

  /** Ends a ticket whose time is up (unless it ended already): the conversation is told SECURE_EXPIRED. */
  async expire(id: string): Promise<void> {
    const now = this.deps.clock();
    const stillOpen = await this.settle(id, (record) => {
      if (record.ended !== undefined) return { result: false };
      if (record.expiresAt > now) return { result: true };
      return { result: false, end: { how: 'expired', event: { type: 'SECURE_EXPIRED', step: record.step.kind } } };
    });
    // Gone, or ended by someone else (whose unscheduling may have failed): nothing is left to wait for.
    if (stillOpen !== true) await this.deps.store.unschedule(id);
  }

  /** Ends every ticket whose time is up; each is told once, whichever instance sweeps. */
  async sweep(): Promise<void> {
    for (const id of await this.deps.store.due(this.deps.clock(), SWEEP_BATCH)) {
      await this.expire(id).catch((err: unknown) => this.deps.logger.error({ err: describe(err) }, 'secure ticket expiry failed'));
    }
  }

  startSweeping(): void {
    this.sweeper ??= setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private async afterEnding(id: string, record: TicketRecord, end: TicketEnd): Promise<void> {
    const log = this.deps.logger.child({ step: record.step.kind, journey: record.step.journey, ending: end.how });
    await this.deps.store.unschedule(id).catch((err: unknown) => log.warn({ err: describe(err) }, 'secure ticket not unscheduled'));
    const event = await this.settleIssued(record, end, log);
    log.info('secure step ended');
    if (event === undefined) return;
    await this.deps
      .deliver(record.conversation, event)
      .catch((err: unknown) => log.error({ err: describe(err) }, 'secure step outcome not delivered'));
  }

  /**
   * A certificate issued on the ticket is delivered when the step completed (the device kept it),
   * and revoked otherwise: nobody holds it. One the journal revoked meanwhile (its window passed, or
   * the journal could not be told) is not the customer's any more: the step expired. A renewal's
   * old certificate is superseded once its successor is delivered: revoked before the chat is told.
   */
  private async settleIssued(record: TicketRecord, end: TicketEnd, log: Logger): Promise<SecureInput | undefined> {
    const issuance = record.issuance;
    if (issuance === undefined) return end.event;
    const issued = end.how === 'completed' ? issuance.issued : undefined;
    // Every other authorisation of the step ends too: one issued and never saved is revoked, one whose
    // process died before the CA's commit (nothing issued) is settled failed.
    const abandoned = new Set([...issuance.referenceNumbers, ...(issuance.issued ? [issuance.issued.referenceNumber] : [])]);
    if (issued !== undefined) abandoned.delete(issued.referenceNumber);
    for (const reference of abandoned)
      await this.deps.certificates
        .abandonIssuance(reference)
        .catch((err: unknown) =>
          log.error({ err: describe(err), serialNumber: issuance.issued?.serialNumber }, 'unsaved certificate not abandoned'),
        );
    if (issued === undefined) return end.event;
    const { serialNumber, referenceNumber } = issued;
    const kept = await this.deps.certificates.confirmDelivery(referenceNumber, serialNumber).catch((err: unknown) => {
      log.error({ err: describe(err), serialNumber }, 'certificate delivery not confirmed');
      return false;
    });
    if (!kept) return { type: 'SECURE_EXPIRED', step: record.step.kind };
    const event = end.event;
    if (record.step.kind === 'renewal' && record.renewing !== undefined && event?.type === 'CERTIFICATE_ISSUED') {
      if (!(await this.revokeRenewed(record, record.renewing, log))) return { ...event, oldStillValid: true };
    }
    return event;
  }

  /** The renewed certificate, at the CA (so in the CRL) and in the registry, audited; false when it could not be (logged; the chat says so). */
  private async revokeRenewed(record: TicketRecord, renewing: RenewingRecord, log: Logger): Promise<boolean> {
    const { customerId, serialNumber, replaces } = renewing;
    const actor = { actor: 'customer', conversationId: record.conversation.reference.conversation.id };
    const revoked = await this.deps.certificates.revoke(customerId, replaces.fingerprint, replaces.reason, actor).catch((err: unknown) => {
      log.error({ err: describe(err), serialNumber }, 'renewed certificate not revoked');
      return null;
    });
    if (revoked === undefined) log.error({ serialNumber }, 'renewed certificate not revoked: not active at the CA');
    return revoked !== null && revoked !== undefined;
  }
}

/** Errors are logged by name and message only. */
export function describe(err: unknown): { name: string; message: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'NonError', message: String(err) };
}
