import type Redis from 'ioredis';
import { z } from 'zod';

import type { RevocationReason } from '../../../dialogs/contract/domain';

export type { RevocationReason } from '../../../dialogs/contract/domain';

/** RFC 5280 CRLReason codes of the reasons the bank uses. */
export const REVOCATION_REASONS: Readonly<Record<RevocationReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

const LedgerEntry = z.object({
  serialNumber: z.string(),
  subjectDn: z.string(),
  notAfter: z.string(),
  issuedAt: z.string(),
  revokedAt: z.string().optional(),
  reason: z.enum(Object.keys(REVOCATION_REASONS) as [RevocationReason, ...RevocationReason[]]).optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/**
 * What a CA remembers of what it issued: serials (to keep them unique), and revocations (for
 * its CRL and for registration checks). Never a key.
 */
export interface CaLedger {
  /** False when the serial is already taken. */
  recordIssued(entry: Omit<LedgerEntry, 'revokedAt' | 'reason'>): Promise<boolean>;
  find(serialNumber: string): Promise<LedgerEntry | undefined>;
  /** Revokes once; a second revocation keeps the first date and reason. Undefined if unknown. */
  revoke(serialNumber: string, reason: RevocationReason, at: Date): Promise<LedgerEntry | undefined>;
  revoked(): Promise<LedgerEntry[]>;
  nextCrlNumber(): Promise<number>;
}

export class MemoryCaLedger implements CaLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private crlNumber = 0;

  async recordIssued(entry: Omit<LedgerEntry, 'revokedAt' | 'reason'>): Promise<boolean> {
    if (this.entries.has(entry.serialNumber)) return false;
    this.entries.set(entry.serialNumber, { ...entry });
    return true;
  }

  async find(serialNumber: string): Promise<LedgerEntry | undefined> {
    const entry = this.entries.get(serialNumber);
    return entry && { ...entry };
  }

  async revoke(serialNumber: string, reason: RevocationReason, at: Date): Promise<LedgerEntry | undefined> {
    const entry = this.entries.get(serialNumber);
    if (entry === undefined) return undefined;
    if (entry.revokedAt === undefined) Object.assign(entry, { revokedAt: at.toISOString(), reason });
    return { ...entry };
  }

  async revoked(): Promise<LedgerEntry[]> {
    return [...this.entries.values()].filter((e) => e.revokedAt !== undefined).map((e) => ({ ...e }));
  }

  async nextCrlNumber(): Promise<number> {
    return ++this.crlNumber;
  }
}

/** Durable (no TTL) and shared by every instance: a hash of serial → entry, and a CRL counter. */
export class RedisCaLedger implements CaLedger {
  private readonly entriesKey: string;
  private readonly crlNumberKey: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string; caId: string },
  ) {
    this.entriesKey = `${options.prefix}ca/${options.caId}/certificates`;
    this.crlNumberKey = `${options.prefix}ca/${options.caId}/crl-number`;
  }

  async recordIssued(entry: Omit<LedgerEntry, 'revokedAt' | 'reason'>): Promise<boolean> {
    return (await this.redis.hsetnx(this.entriesKey, entry.serialNumber, JSON.stringify(entry))) === 1;
  }

  async find(serialNumber: string): Promise<LedgerEntry | undefined> {
    return parseEntry(await this.redis.hget(this.entriesKey, serialNumber));
  }

  async revoke(serialNumber: string, reason: RevocationReason, at: Date): Promise<LedgerEntry | undefined> {
    const entry = await this.find(serialNumber);
    if (entry === undefined || entry.revokedAt !== undefined) return entry;
    const revoked: LedgerEntry = { ...entry, revokedAt: at.toISOString(), reason };
    await this.redis.hset(this.entriesKey, serialNumber, JSON.stringify(revoked));
    return revoked;
  }

  async revoked(): Promise<LedgerEntry[]> {
    const all = Object.values(await this.redis.hgetall(this.entriesKey)).map(parseEntry);
    return all.filter((e): e is LedgerEntry => e?.revokedAt !== undefined);
  }

  async nextCrlNumber(): Promise<number> {
    return this.redis.incr(this.crlNumberKey);
  }
}

function parseEntry(raw: string | null): LedgerEntry | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = LedgerEntry.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
