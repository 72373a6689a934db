import type { CaLedger, LedgerEntry } from '../ca/caLedger';
import type { MemoryIssuanceJournal } from '../ca/issuanceJournal';
import type { AuditLog, AuditRecord } from './auditLog';
import type { CertificateRegistry, RegisteredCertificate } from './certificateRegistry';

/** What one issuance writes once the CA signed. */
export interface IssuedCertificateRecord {
  readonly caId: string;
  readonly ledger: Omit<LedgerEntry, 'revokedAt' | 'reason'>;
  /** The journaled issuance it answers, if any. */
  readonly journalKey?: string;
  readonly registry: RegisteredCertificate;
  readonly audit: Omit<AuditRecord, 'at'>;
}

/**
 * How a signed certificate is recorded. In the system of record, all in one transaction: the CA's
 * ledger, the journal's "issued", the registry and the audit entry, so a process that dies between
 * the signature and the commit leaves nothing half-written (and the certificate never left it).
 * 'givenUp' when the journaled issuance was settled meanwhile: the certificate is then entered in
 * the ledger revoked, and audited, and registered nowhere.
 */
export interface IssuanceRecording {
  recordIssued(record: IssuedCertificateRecord): Promise<'recorded' | 'givenUp'>;
}

/** Why a certificate nobody will receive was revoked, in the audit. */
export const UNDELIVERED_AUDIT_REASON = 'issuanceInterrupted';

/** In one process's memory (tests and tools): the same writes one after another; nothing outlives the process anyway. */
export class StepwiseIssuanceRecording implements IssuanceRecording {
  constructor(
    private readonly stores: {
      readonly caLedger: (caId: string) => CaLedger;
      readonly issuances: MemoryIssuanceJournal;
      readonly registry: CertificateRegistry;
      readonly audit: AuditLog;
    },
    private readonly undeliveredReason: LedgerEntry['reason'] & string,
  ) {}

  async recordIssued(record: IssuedCertificateRecord): Promise<'recorded' | 'givenUp'> {
    const { caLedger, issuances, registry, audit } = this.stores;
    const ledger = caLedger(record.caId);
    await ledger.recordIssued(record.ledger);
    const { serialNumber } = record.ledger;
    if (
      record.journalKey !== undefined &&
      !issuances.issued(record.journalKey, { serialNumber, fingerprint: record.registry.fingerprintSha256 })
    ) {
      await ledger.revoke(serialNumber, this.undeliveredReason, new Date());
      await audit.record(undeliveredAudit(record));
      return 'givenUp';
    }
    await registry.add(record.registry);
    await audit.record(record.audit);
    return 'recorded';
  }
}

/** The audit entry of a certificate revoked because nobody will receive it. */
export function undeliveredAudit(record: Pick<IssuedCertificateRecord, 'registry'>): Omit<AuditRecord, 'at'> {
  const { customerId, serialNumber } = record.registry;
  return { actor: 'system', action: 'revoke', outcome: 'success', customerId, serialNumber, reason: UNDELIVERED_AUDIT_REASON };
}
