import type { CertificateService } from '../certificates/certificateService';
import { ISSUANCE_LEASE_MS, ISSUANCE_RENEW_MS, IssuanceRecord } from '../certificates/ca/issuanceJournal';
import type { Logger } from '../logging/logger';

/** How often every instance looks for interrupted issuances nobody came back for (and once at start). */
const SWEEP_EVERY_MS = 60_000;
/** How long a turn waits for another process's lease on this conversation's issuance to lapse. */
const LEASE_WAIT_MS = ISSUANCE_LEASE_MS + 500;
const LEASE_POLL_MS = 200;

/**
 * Ties journaled issuances (src/certificates/issuanceJournal.ts) to the turns that wait for them.
 * A turn's attempt issues under an idempotency key; once the attempt's state is saved, carrying
 * the download link, the issuance is delivered. An attempt that is replayed (a concurrent turn
 * won the save) or fails gives its certificate up: revoked. A process killed mid-issuance cannot
 * say so: its lease lapses, and the conversation's next turn (or, if the customer never comes
 * back, a sweep) revokes the certificate, and the turn tells the customer (`issuance.interrupted`).
 */
export class IssuanceTracking {
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly certificates: CertificateService,
    private readonly logger: Logger,
  ) {}

  /** One attempt of a turn of the conversation `owner`; the flow runner hands it to the services that issue. */
  attempt(owner: string): TurnIssuances {
    return new TurnIssuances(owner, this.certificates, this.logger);
  }

  /** Revokes interrupted issuances nobody holds any more; their conversations are still told on their next turn. */
  async sweep(limit = 50): Promise<number> {
    let settled = 0;
    for (const record of await this.certificates.issuances.interrupted(limit)) {
      const outcome = await this.certificates.abandonIssuance(record.key);
      if (outcome === 'revoked') this.logger.warn({ serialNumber: record.serialNumber }, 'interrupted issuance: undelivered certificate revoked');
      settled++;
    }
    return settled;
  }

  /** Sweeps once a lease could have lapsed after start (a predecessor killed just before), then every minute. */
  startSweeping(): void {
    const sweep = () => void this.sweep().catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'issuance sweep failed'));
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
  }
}

/** The issuances of one attempt of one turn. */
export class TurnIssuances {
  /** Keys issued under in this attempt. */
  private readonly keys: string[] = [];
  /** Those whose link is in the attempt's replies. */
  private readonly onOffer = new Set<string>();
  private readonly renewals: NodeJS.Timeout[] = [];
  /** Earlier, interrupted issuances the customer is told about in this attempt (acknowledged once it is saved). */
  private told: string[] = [];

  constructor(
    readonly owner: string,
    private readonly certificates: CertificateService,
    private readonly logger: Logger,
  ) {}

  /** A new idempotency key for an issuance of this attempt; its lease is renewed until the attempt ends. */
  begin(key: string): void {
    this.keys.push(key);
    const renewal = setInterval(() => void this.certificates.issuances.renew(key).catch(() => undefined), ISSUANCE_RENEW_MS);
    renewal.unref();
    this.renewals.push(renewal);
  }

  /** The issuance's download link is in this attempt's replies: delivered once the attempt is saved. */
  offered(key: string): void {
    this.onOffer.add(key);
  }

  /** The issuance failed within the turn, which apologizes for it: its certificate, if any, is revoked now. */
  async giveUp(key: string): Promise<void> {
    await this.certificates.abandonIssuance(key);
    await this.certificates.issuances.acknowledge(this.owner, [key]);
  }

  /**
   * Whether an earlier issuance of this conversation was interrupted: one still open whose lease
   * lapsed (waiting a little for a lease that may belong to a process just killed), or one
   * already given up. Those are revoked now; the customer is told in this turn.
   */
  async interrupted(): Promise<boolean> {
    const earlier = (await this.certificates.issuances.ofOwner(this.owner)).filter((r) => !this.keys.includes(r.key));
    const told: string[] = [];
    const done: string[] = [];
    for (const found of earlier) {
      const record = found.outcome === undefined && found.leased ? await this.untilLeaseLapses(found) : found;
      if (record.outcome === 'delivered') done.push(record.key);
      else if (record.outcome !== undefined || !record.leased) {
        if (record.outcome === undefined) await this.certificates.abandonIssuance(record.key);
        told.push(record.key);
      }
      // Still held by a live process (a concurrent turn of this conversation): not ours to judge.
    }
    if (done.length > 0) await this.certificates.issuances.acknowledge(this.owner, done);
    this.told = told;
    return told.length > 0;
  }

  /**
   * The attempt's state is saved: the links in its replies reached the customer, who also heard
   * of the interrupted issuances. An issuance of the attempt without a link on offer failed
   * (the turn apologized): revoked, if that did not happen already.
   */
  async delivered(): Promise<void> {
    this.stopRenewing();
    for (const key of this.keys) {
      if (!this.onOffer.has(key)) await this.certificates.abandonIssuance(key);
      else if (!(await this.certificates.issuances.settle(key, 'delivered'))) this.logger.error({ key }, 'issuance settled elsewhere before its link was delivered');
    }
    await this.certificates.issuances.acknowledge(this.owner, [...this.keys, ...this.told]);
  }

  /**
   * The attempt's result will not reach the customer: what it issued is revoked. After a failed
   * turn the customer is told on the next one; after a replay, the replay's own answer tells them.
   */
  async abandon(options: { tellNextTurn: boolean }): Promise<void> {
    this.stopRenewing();
    for (const key of this.keys) await this.certificates.abandonIssuance(key);
    if (!options.tellNextTurn) await this.certificates.issuances.acknowledge(this.owner, this.keys);
  }

  private stopRenewing(): void {
    for (const renewal of this.renewals.splice(0)) clearInterval(renewal);
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
