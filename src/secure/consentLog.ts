import { z } from 'zod';

/**
 * One consent given on the secure page: which text (id and version), when, for which step of
 * which conversation, and by whom when the bank knows them (the keyed hash, never a number). The
 * fee's consent names the amount and the account.
 */
export interface ConsentRecord {
  readonly at: string;
  readonly consent: 'personalData' | 'uniqueIdentifier' | 'phoneVerification' | 'fee';
  readonly version: string;
  readonly step: string;
  readonly journey: string;
  readonly conversationId: string;
  readonly customerId?: string;
  readonly fee?: { readonly amount: number; readonly account: string };
}

export const ConsentRecordSchema = z
  .object({
    at: z.string().datetime({ offset: true }),
    consent: z.enum(['personalData', 'uniqueIdentifier', 'phoneVerification', 'fee']),
    version: z.string().min(1).max(20),
    step: z.string().min(1).max(40),
    journey: z.string().min(1).max(100),
    conversationId: z.string().min(1).max(500),
    customerId: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    fee: z.object({ amount: z.number().int().positive(), account: z.string().min(1).max(100) }).optional(),
  })
  .strict();

/** Where consents are kept, for the system of record. */
export interface ConsentLog {
  record(record: ConsentRecord): Promise<void>;
  /** The newest first, at most `limit`. */
  recent(limit: number): Promise<ConsentRecord[]>;
}

const MAX_LENGTH = 100_000;

/** In process, the newest `maxLength`. */
export class MemoryConsentLog implements ConsentLog {
  private readonly records: ConsentRecord[] = [];

  constructor(private readonly maxLength = MAX_LENGTH) {}

  async record(record: ConsentRecord): Promise<void> {
    this.records.push(ConsentRecordSchema.parse(record));
    if (this.records.length > this.maxLength) this.records.splice(0, this.records.length - this.maxLength);
  }

  async recent(limit: number): Promise<ConsentRecord[]> {
    return limit <= 0 ? [] : this.records.slice(-limit).reverse();
  }
}
