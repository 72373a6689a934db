import type { IssuanceJournal, IssuanceOutcome, IssuanceRecord, IssuanceStart } from '../certificates/ca/issuanceJournal';
import type { Queryable } from './database';

interface IssuanceRow {
  key: string;
  customer_id: string;
  owner: string;
  started_at: Date;
  serial_number: string | null;
  fingerprint: string | null;
  outcome: IssuanceOutcome | null;
}

/** The issuance journal in the system of record (table issuances). */
export class SqlIssuanceJournal implements IssuanceJournal {
  constructor(private readonly db: Queryable) {}

  async begin(start: IssuanceStart): Promise<void> {
    await this.db.query(
      'INSERT INTO issuances (key, customer_id, owner, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING',
      [start.key, start.customerId, start.owner, new Date(start.startedAt)],
    );
  }

  settle(key: string, outcome: IssuanceOutcome): Promise<boolean> {
    return settleIssuance(this.db, key, outcome);
  }

  async find(key: string): Promise<IssuanceRecord | undefined> {
    const [row] = await this.db.query<IssuanceRow>(
      'SELECT key, customer_id, owner, started_at, serial_number, fingerprint, outcome FROM issuances WHERE key = $1',
      [key],
    );
    if (row === undefined) return undefined;
    return {
      key: row.key,
      customerId: row.customer_id,
      owner: row.owner,
      startedAt: new Date(row.started_at).getTime(),
      ...(row.serial_number !== null && { serialNumber: row.serial_number }),
      ...(row.fingerprint !== null && { fingerprint: row.fingerprint }),
      ...(row.outcome !== null && { outcome: row.outcome }),
    };
  }
}

export async function settleIssuance(db: Queryable, key: string, outcome: IssuanceOutcome): Promise<boolean> {
  const rows = await db.query('UPDATE issuances SET outcome = $2, settled_at = now() WHERE key = $1 AND outcome IS NULL RETURNING 1', [
    key,
    outcome,
  ]);
  return rows.length === 1;
}

/** Records the certificate of an open issuance; false when it was settled meanwhile (given up on). */
export async function markIssued(db: Queryable, key: string, certificate: { serialNumber: string; fingerprint: string }): Promise<boolean> {
  const rows = await db.query('UPDATE issuances SET serial_number = $2, fingerprint = $3 WHERE key = $1 AND outcome IS NULL RETURNING 1', [
    key,
    certificate.serialNumber,
    certificate.fingerprint,
  ]);
  return rows.length === 1;
}
