import { type ConsentLog, type ConsentRecord, ConsentRecordSchema } from '../secure/consentLog';
import { appendAudit } from './auditChain';
import type { Database } from './database';

interface ConsentRow {
  at: Date;
  consent: ConsentRecord['consent'];
  version: string;
  step: string;
  journey: string;
  conversation_id: string;
  customer_id: string | null;
  fee_amount: number | null;
  fee_account: string | null;
}

/** Consents in the system of record (table consents), each with its row in the audit, in one transaction. */
export class SqlConsentLog implements ConsentLog {
  constructor(private readonly db: Database) {}

  async record(record: ConsentRecord): Promise<void> {
    const c = ConsentRecordSchema.parse(record);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO consents (at, consent, version, step, journey, conversation_id, customer_id, fee_amount, fee_account)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          c.at,
          c.consent,
          c.version,
          c.step,
          c.journey,
          c.conversationId,
          c.customerId ?? null,
          c.fee?.amount ?? null,
          c.fee?.account ?? null,
        ],
      );
      await appendAudit(tx, {
        at: new Date(c.at),
        category: 'consent',
        action: c.consent,
        outcome: 'given',
        actor: 'customer',
        ...(c.customerId !== undefined && { customerId: c.customerId }),
        conversationId: c.conversationId,
        details: { version: c.version, step: c.step, journey: c.journey, ...(c.fee !== undefined && { fee: c.fee }) },
      });
    });
  }

  async recent(limit: number): Promise<ConsentRecord[]> {
    if (limit <= 0) return [];
    const rows = await this.db.query<ConsentRow>(
      `SELECT at, consent, version, step, journey, conversation_id, customer_id, fee_amount, fee_account FROM consents ORDER BY id DESC LIMIT $1`,
      [Math.min(Math.floor(limit), 10_000)],
    );
    return rows.map((row) => ({
      at: new Date(row.at).toISOString(),
      consent: row.consent,
      version: row.version,
      step: row.step,
      journey: row.journey,
      conversationId: row.conversation_id,
      ...(row.customer_id !== null && { customerId: row.customer_id }),
      ...(row.fee_amount !== null && row.fee_account !== null && { fee: { amount: row.fee_amount, account: row.fee_account } }),
    }));
  }
}
