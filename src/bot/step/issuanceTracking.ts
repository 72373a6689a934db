import type { CertificateService } from '../../certificates/certificateService';
import { ISSUANCE_LEASE_MS, ISSUANCE_RENEW_MS, IssuanceRecord } from '../../certificates/ca/issuanceJournal';
import type { Logger } from '../../logging/logger';

/** How often every instance looks for interrupted issuances nobody came back for (and once at start). */
const SWEEP_EVERY_MS = 60_000;
/** How long an issuance waits for another process's lease on the customer's earlier issuance to lapse. */
const LEASE_WAIT_MS = ISSUANCE_LEASE_MS + 500;
const LEASE_POLL_MS = 200;
/** A lease is kept at most this long: a turn that never settles its issuance lets it lapse, and the sweep revokes it. */
const LONGEST_TURN_MS = 30_000;

/** What a turn issued, as the flow reported it (the `issuance` it emitted), to settle once the turn is saved or lost. */
export interface TurnIssuance {
  /** The customer (keyed hash) the issuances are journaled under. */
  readonly owner: string;
  /** The issuance whose link is in the turn's replies, if one was issued. */
  readonly key?: string;
  /** Earlier interrupted issuances the turn tells the customer about. */
  readonly told: readonly string[];
}

/**
 * Ties journaled issuances (src/certificates/ca/issuanceJournal.ts) to the turns that deliver them.
 * The issuing service begins an issuance under an idempotency key and keeps its lease; the flow
 * reports the key with the link it offers; once the turn's state is saved the issuance is
 * delivered, and a turn that is lost (failed, or replayed after a concurrent save) revokes it. A
 * process killed mid-issuance cannot say so: its lease lapses, and the customer's next issuance
 * (or, if they never come back, a sweep) revokes the certificate and tells them
 * (`issuance.interrupted`).
 */
export class IssuanceTracking {
  private sweeper: NodeJS.Timeout | undefined;
  private readonly leases = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly certificates: CertificateService,
    private readonly logger: Logger,
  ) {}

  /** An issuance began under `key`: its lease is renewed until it is settled (or for LONGEST_TURN_MS). */
  began(key: string): void {
    const until = Date.now() + LONGEST_TURN_MS;
    const renewal = setInterval(() => {
      if (Date.now() > until) this.release(key);
      else void this.certificates.issuances.renew(key).catch(() => undefined);
    }, ISSUANCE_RENEW_MS);
    renewal.unref();
    this.leases.set(key, renewal);
  }

  /** The issuance failed within its turn, which apologizes for it: its certificate, if any, is revoked now. */
  async giveUp(owner: string, key: string): Promise<void> {
    this.release(key);
    await this.certificates.abandonIssuance(key);
    await this.certificates.issuances.acknowledge(owner, [key]);
  }

  /**
   * The customer's earlier issuances that were interrupted: open ones whose lease lapsed (waiting a
   * little for a lease that may belong to a process just killed), or ones already given up. Those
   * are revoked now and returned, for the turn to tell; delivered ones are acknowledged.
   */
  async interrupted(owner: string): Promise<string[]> {
    const told: string[] = [];
    const done: string[] = [];
    for (const found of await this.certificates.issuances.ofOwner(owner)) {
      const record = found.outcome === undefined && found.leased ? await this.untilLeaseLapses(found) : found;
      if (record.outcome === 'delivered') done.push(record.key);
      else if (record.outcome !== undefined || !record.leased) {
        if (record.outcome === undefined) await this.certificates.abandonIssuance(record.key);
        told.push(record.key);
      }
      // Still held by a live process (a concurrent turn of this customer): not ours to judge.
    }
    if (done.length > 0) await this.certificates.issuances.acknowledge(owner, done);
    return told;
  }

  /** The turn is saved: its link and its news reached the customer. */
  async delivered(issuance: TurnIssuance): Promise<void> {
    if (issuance.key !== undefined) {
      this.release(issuance.key);
      if (!(await this.certificates.issuances.settle(issuance.key, 'delivered')))
        this.logger.error({ key: issuance.key }, 'issuance settled elsewhere before its link was delivered');
    }
    await this.certificates.issuances.acknowledge(issuance.owner, [
      ...(issuance.key === undefined ? [] : [issuance.key]),
      ...issuance.told,
    ]);
  }

  /**
   * The turn's result will not reach the customer: what it issued is revoked. After a failed turn
   * the customer is told on their next issuance; after a replay, the replay's own answer tells them.
   */
  async lost(issuance: TurnIssuance, options: { tellLater: boolean }): Promise<void> {
    if (issuance.key === undefined) return;
    this.release(issuance.key);
    await this.certificates.abandonIssuance(issuance.key);
    if (!options.tellLater) await this.certificates.issuances.acknowledge(issuance.owner, [issuance.key]);
  }

  /** Revokes interrupted issuances nobody holds any more; their customers are still told on their next issuance. */
  async sweep(limit = 50): Promise<number> {
    let settled = 0;
    for (const record of await this.certificates.issuances.interrupted(limit)) {
      const outcome = await this.certificates.abandonIssuance(record.key);
      if (outcome === 'revoked')
        this.logger.warn({ serialNumber: record.serialNumber }, 'interrupted issuance: undelivered certificate revoked');
      settled++;
    }
    return settled;
  }

  /** Sweeps once a lease could have lapsed after start (a predecessor killed just before), then every minute. */
  startSweeping(): void {
    const sweep = () =>
      void this.sweep().catch((err: unknown) =>
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'issuance sweep failed'),
      );
    const first = setTimeout(() => {
      sweep();
      this.sweeper = setInterval(sweep, SWEEP_EVERY_MS);
      this.sweeper.unref();
    }, LEASE_WAIT_MS);
    first.unref();
    this.sweeper = first;
  }

  stopSweeping(): void {
    clearTimeout(this.sweeper);
    clearInterval(this.sweeper);
    for (const key of [...this.leases.keys()]) this.release(key);
  }

  private release(key: string): void {
    clearInterval(this.leases.get(key));
    this.leases.delete(key);
  }

  private async untilLeaseLapses(record: IssuanceRecord): Promise<IssuanceRecord> {
    const deadline = Date.now() + LEASE_WAIT_MS;
    let latest = record;
    while (latest.outcome === undefined && latest.leased && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      latest = (await this.certificates.issuances.find(record.key)) ?? { ...latest, outcome: 'failed' };
    }
    return latest;
  }
}
