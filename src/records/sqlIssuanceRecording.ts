import type { RevocationReason } from '../certificates/ca/caLedger';
import { type IssuanceRecording, type IssuedCertificateRecord, undeliveredAudit } from '../certificates/stores/issuanceRecording';
import { appendAudit } from './auditChain';
import type { Database } from './database';
import { certificateAuditEntry } from './sqlAuditLog';
import { insertLedgerEntry, revokeLedgerEntry } from './sqlCaLedger';
import { upsertCertificate } from './sqlCertificateRegistry';
import { markIssued } from './sqlIssuanceJournal';

/**
 * One transaction per signed certificate: the journal's "issued", the CA's ledger, the registry and
 * the audit commit together or not at all. The audit row is appended last: its head's lock is held
 * for the shortest time.
 */
export class SqlIssuanceRecording implements IssuanceRecording {
  constructor(
    private readonly db: Database,
    private readonly undeliveredReason: RevocationReason,
  ) {}

  recordIssued(record: IssuedCertificateRecord): Promise<'recorded' | 'givenUp'> {
    return this.db.transaction(async (tx) => {
      const now = new Date();
      const { serialNumber } = record.ledger;
      // A serial already in the ledger was recorded by the CA itself (a tool's certificate): it stays as it is.
      await insertLedgerEntry(tx, record.caId, record.ledger);
      const open =
        record.journalKey === undefined ||
        (await markIssued(tx, record.journalKey, { serialNumber, fingerprint: record.registry.fingerprintSha256 }));
      if (!open) {
        await revokeLedgerEntry(tx, record.caId, serialNumber, this.undeliveredReason, now);
        await appendAudit(tx, certificateAuditEntry(undeliveredAudit(record), now));
        return 'givenUp';
      }
      await upsertCertificate(tx, record.registry);
      await appendAudit(tx, certificateAuditEntry(record.audit, now));
      return 'recorded';
    });
  }
}
