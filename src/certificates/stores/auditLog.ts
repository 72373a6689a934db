import { z } from 'zod';

export type AuditAction = 'issue' | 'register' | 'release' | 'revoke' | 'renew';

/**
 * One issuance, registration, release, revocation or renewal: who, what, which certificate, when,
 * and how it ended. Never a password, key, file or 주민등록번호: the customer appears only as the
 * caller's keyed hash, and the free-text `reason` is scrubbed of anything shaped like a
 * 주민등록번호 or a PEM block before it is stored.
 */
export interface AuditRecord {
  at: string;
  action: AuditAction;
  outcome: 'success' | 'failure';
  /** The keyed hash of the 주민등록번호, as the caller computed it. */
  customerId?: string;
  serialNumber?: string;
  issuerDn?: string;
  reason?: string;
  /** 'customer', 'system' or an agent id. */
  actor: string;
  conversationId?: string;
}

export interface AuditLog {
  record(record: Omit<AuditRecord, 'at'>): Promise<void>;
  /** The newest records first, at most `limit`. */
  recent(limit: number): Promise<AuditRecord[]>;
}

const MAX_REASON_LENGTH = 500;

/** A record as kept; what is read back is parsed with it, and one that does not fit is skipped. */
export const auditRecordSchema = z.object({
  at: z.string().datetime({ offset: true }),
  action: z.enum(['issue', 'register', 'release', 'revoke', 'renew']),
  outcome: z.enum(['success', 'failure']),
  customerId: z.string().min(1).max(200).optional(),
  serialNumber: z.string().min(1).max(200).optional(),
  issuerDn: z.string().min(1).max(2000).optional(),
  reason: z.string().max(MAX_REASON_LENGTH).optional(),
  actor: z.string().min(1).max(200),
  conversationId: z.string().min(1).max(500).optional(),
});

/** What `record` accepts: exactly the known fields, so a stray `password` or `rrn` is refused, not stored. */
const newRecordSchema = auditRecordSchema.omit({ at: true }).strict();

const RRN_SHAPE = /\d{6}\s*(?:-\s*)?[1-8]\d{6}/g;
const PEM_BLOCK = /-----BEGIN [^-]*-----[\s\S]*?(-----END [^-]*-----|$)/g;

/**
 * Free text as it may be stored: anything shaped like a 주민등록번호 or a PEM block is replaced, and
 * the text is cut to a bounded length. A second line of defence; callers put no secrets in text.
 */
export function scrubFreeText(text: string): string {
  return text.replace(PEM_BLOCK, '[redacted]').replace(RRN_SHAPE, '[redacted]').slice(0, MAX_REASON_LENGTH);
}

/** A 주민등록번호 given where the keyed hash belongs is refused outright. */
export function assertNotRawRrn(customerId: string): void {
  if (/^\d{6}\s*(?:-\s*)?\d{7}$/.test(customerId)) throw new Error('customerId must be the keyed hash, never the 주민등록번호 itself');
}

/** Checked and cleaned before it is kept: exactly the known fields, free text scrubbed, never a raw 주민등록번호. */
export function prepare(record: Omit<AuditRecord, 'at'>, now: Date): AuditRecord {
  const candidate = typeof record.reason === 'string' ? { ...record, reason: scrubFreeText(record.reason) } : record;
  const checked = newRecordSchema.parse(candidate);
  if (checked.customerId !== undefined) assertNotRawRrn(checked.customerId);
  return { at: now.toISOString(), ...checked };
}

function clampLimit(limit: number, maxLength: number): number {
  if (!Number.isFinite(limit) || limit <= 0) return 0;
  return Math.min(Math.floor(limit), maxLength);
}

export interface AuditLogOptions {
  /** How many records are kept; older ones are dropped. */
  maxLength?: number;
  now?: () => Date;
}

export const DEFAULT_AUDIT_LOG_LENGTH = 10_000;

/** In process, the last `maxLength` records. */
export class MemoryAuditLog implements AuditLog {
  private readonly records: AuditRecord[] = [];
  private readonly maxLength: number;
  private readonly now: () => Date;

  constructor(options: AuditLogOptions = {}) {
    this.maxLength = options.maxLength ?? DEFAULT_AUDIT_LOG_LENGTH;
    this.now = options.now ?? (() => new Date());
  }

  async record(record: Omit<AuditRecord, 'at'>): Promise<void> {
    this.records.push(prepare(record, this.now()));
    if (this.records.length > this.maxLength) this.records.splice(0, this.records.length - this.maxLength);
  }

  /** How many records are held now (never more than maxLength). */
  get size(): number {
    return this.records.length;
  }

  async recent(limit: number): Promise<AuditRecord[]> {
    const count = clampLimit(limit, this.maxLength);
    if (count === 0) return [];
    return this.records
      .slice(-count)
      .reverse()
      .map((record) => ({ ...record }));
  }
}
