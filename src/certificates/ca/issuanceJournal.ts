/**
 * How an issuance ended: the device saved its certificate; or it did not, and the certificate (if
 * the CA had issued it) was revoked; or it failed before anything was issued.
 */
export type IssuanceOutcome = 'delivered' | 'revoked' | 'failed';

export interface IssuanceStart {
  /** The issuance's idempotency key (the CA's reference number): one per attempt to issue, never reused. */
  readonly key: string;
  readonly customerId: string;
  /** Who waits for the certificate, opaque here. */
  readonly owner: string;
  readonly startedAt: number;
}

export interface IssuanceRecord extends IssuanceStart {
  /** Set, with the CA's ledger entry, once the CA issued the certificate. */
  readonly serialNumber?: string;
  readonly fingerprint?: string;
  /** Set once the issuance is settled; final. */
  readonly outcome?: IssuanceOutcome;
}

/**
 * The write-ahead record of certificate issuance: "started (key, customer)" before the CA is
 * asked, "issued (serial)" in the same commit as the CA's ledger, the registry and the audit (see
 * IssuanceRecording), "settled (delivered | revoked | failed)" at the end. One never settled
 * delivered is abandoned when its secure step ends: its certificate, if issued, is revoked rather
 * than left valid with nobody holding its key.
 */
export interface IssuanceJournal {
  begin(start: IssuanceStart): Promise<void>;
  /** Settles once; false when it was already settled (or is unknown). */
  settle(key: string, outcome: IssuanceOutcome): Promise<boolean>;
  find(key: string): Promise<IssuanceRecord | undefined>;
}

/** For tests and tools in one process: bounded, forgetting settled issuances first. */
export class MemoryIssuanceJournal implements IssuanceJournal {
  private readonly records = new Map<string, IssuanceRecord>();

  constructor(private readonly maxEntries = 10_000) {}

  async begin(start: IssuanceStart): Promise<void> {
    if (this.records.size >= this.maxEntries) this.forgetOldestSettled();
    this.records.set(start.key, { ...start });
  }

  /** The certificate issued for an open issuance; false when it was settled meanwhile. */
  issued(key: string, certificate: { readonly serialNumber: string; readonly fingerprint: string }): boolean {
    const record = this.records.get(key);
    if (record === undefined || record.outcome !== undefined) return false;
    this.records.set(key, { ...record, ...certificate });
    return true;
  }

  async settle(key: string, outcome: IssuanceOutcome): Promise<boolean> {
    const record = this.records.get(key);
    if (record === undefined || record.outcome !== undefined) return false;
    this.records.set(key, { ...record, outcome });
    return true;
  }

  async find(key: string): Promise<IssuanceRecord | undefined> {
    const record = this.records.get(key);
    return record && { ...record };
  }

  private forgetOldestSettled(): void {
    for (const [key, record] of this.records) {
      if (record.outcome === undefined) continue;
      this.records.delete(key);
      return;
    }
  }
}
