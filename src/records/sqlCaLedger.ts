import type { CaLedger, LedgerEntry, RevocationReason } from '../certificates/ca/caLedger';
import type { Queryable } from './database';

interface LedgerRow {
  serial_number: string;
  subject_dn: string;
  not_after: Date;
  issued_at: Date;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
}

const COLUMNS = 'serial_number, subject_dn, not_after, issued_at, revoked_at, revocation_reason';

export function ledgerEntryOf(row: LedgerRow): LedgerEntry {
  return {
    serialNumber: row.serial_number,
    subjectDn: row.subject_dn,
    notAfter: new Date(row.not_after).toISOString(),
    issuedAt: new Date(row.issued_at).toISOString(),
    ...(row.revoked_at !== null && { revokedAt: new Date(row.revoked_at).toISOString() }),
    ...(row.revocation_reason !== null && { reason: row.revocation_reason }),
  };
}

/** Records a certificate the CA issued; false when the serial is taken. */
export async function insertLedgerEntry(db: Queryable, caId: string, entry: Omit<LedgerEntry, 'revokedAt' | 'reason'>): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO ca_certificates (ca_id, serial_number, subject_dn, not_after, issued_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [caId, entry.serialNumber, entry.subjectDn, entry.notAfter, entry.issuedAt],
  );
  return rows.length === 1;
}

/** Revokes once (a second revocation keeps the first date and reason); undefined when the CA never issued the serial. */
export async function revokeLedgerEntry(
  db: Queryable,
  caId: string,
  serialNumber: string,
  reason: RevocationReason,
  at: Date,
): Promise<LedgerEntry | undefined> {
  await db.query(
    `UPDATE ca_certificates SET revoked_at = $3, revocation_reason = $4 WHERE ca_id = $1 AND serial_number = $2 AND revoked_at IS NULL`,
    [caId, serialNumber, at, reason],
  );
  const [row] = await db.query<LedgerRow>(`SELECT ${COLUMNS} FROM ca_certificates WHERE ca_id = $1 AND serial_number = $2`, [
    caId,
    serialNumber,
  ]);
  return row && ledgerEntryOf(row);
}

/** One CA's ledger in the system of record (table ca_certificates; its CRL numbers in ca_crl_numbers). */
export class SqlCaLedger implements CaLedger {
  constructor(
    private readonly db: Queryable,
    readonly caId: string,
  ) {}

  recordIssued(entry: Omit<LedgerEntry, 'revokedAt' | 'reason'>): Promise<boolean> {
    return insertLedgerEntry(this.db, this.caId, entry);
  }

  async find(serialNumber: string): Promise<LedgerEntry | undefined> {
    const [row] = await this.db.query<LedgerRow>(`SELECT ${COLUMNS} FROM ca_certificates WHERE ca_id = $1 AND serial_number = $2`, [
      this.caId,
      serialNumber,
    ]);
    return row && ledgerEntryOf(row);
  }

  revoke(serialNumber: string, reason: RevocationReason, at: Date): Promise<LedgerEntry | undefined> {
    return revokeLedgerEntry(this.db, this.caId, serialNumber, reason, at);
  }

  async revoked(): Promise<LedgerEntry[]> {
    const rows = await this.db.query<LedgerRow>(
      `SELECT ${COLUMNS} FROM ca_certificates WHERE ca_id = $1 AND revoked_at IS NOT NULL ORDER BY revoked_at, serial_number`,
      [this.caId],
    );
    return rows.map(ledgerEntryOf);
  }

  async nextCrlNumber(): Promise<number> {
    const [row] = await this.db.query<{ last_number: number }>(
      `INSERT INTO ca_crl_numbers (ca_id, last_number) VALUES ($1, 1)
       ON CONFLICT (ca_id) DO UPDATE SET last_number = ca_crl_numbers.last_number + 1 RETURNING last_number`,
      [this.caId],
    );
    return (row as { last_number: number }).last_number;
  }
}
