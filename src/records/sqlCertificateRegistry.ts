import {
  type CertificateRegistry,
  type CertificateRegistryOptions,
  type CertificateStatus,
  normalizeFingerprint,
  type RegisteredCertificate,
  validated,
  withStatus,
} from '../certificates/stores/certificateRegistry';
import type { Queryable } from './database';

interface CertificateRow {
  customer_id: string;
  fingerprint: string;
  serial_number: string;
  issuer_dn: string;
  subject_dn: string;
  not_before: Date;
  not_after: Date;
  policy_oid: string | null;
  origin: RegisteredCertificate['origin'];
  status: CertificateStatus;
  registered_at: Date;
  updated_at: Date;
  revocation_reason: string | null;
}

const COLUMNS =
  'customer_id, fingerprint, serial_number, issuer_dn, subject_dn, not_before, not_after, policy_oid, origin, status, registered_at, updated_at, revocation_reason';

const iso = (value: Date): string => new Date(value).toISOString();

function certificateOf(row: CertificateRow): RegisteredCertificate {
  return {
    customerId: row.customer_id,
    serialNumber: row.serial_number,
    issuerDn: row.issuer_dn,
    subjectDn: row.subject_dn,
    notBefore: iso(row.not_before),
    notAfter: iso(row.not_after),
    fingerprintSha256: row.fingerprint,
    ...(row.policy_oid !== null && { policyOid: row.policy_oid }),
    origin: row.origin,
    status: row.status,
    registeredAt: iso(row.registered_at),
    updatedAt: iso(row.updated_at),
    ...(row.revocation_reason !== null && { revocationReason: row.revocation_reason }),
  };
}

/** Adds (or, after a release, replaces) a customer's entry. */
export async function upsertCertificate(db: Queryable, certificate: RegisteredCertificate): Promise<void> {
  const c = validated(certificate);
  await db.query(
    `INSERT INTO certificates (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (customer_id, fingerprint) DO UPDATE SET
       serial_number = EXCLUDED.serial_number, issuer_dn = EXCLUDED.issuer_dn, subject_dn = EXCLUDED.subject_dn,
       not_before = EXCLUDED.not_before, not_after = EXCLUDED.not_after, policy_oid = EXCLUDED.policy_oid,
       origin = EXCLUDED.origin, status = EXCLUDED.status, registered_at = EXCLUDED.registered_at,
       updated_at = EXCLUDED.updated_at, revocation_reason = EXCLUDED.revocation_reason`,
    [
      c.customerId,
      c.fingerprintSha256,
      c.serialNumber,
      c.issuerDn,
      c.subjectDn,
      c.notBefore,
      c.notAfter,
      c.policyOid ?? null,
      c.origin,
      c.status,
      c.registeredAt,
      c.updatedAt,
      c.revocationReason ?? null,
    ],
  );
}

/** The registry in the system of record (table certificates), one row per customer and certificate. */
export class SqlCertificateRegistry implements CertificateRegistry {
  private readonly now: () => Date;

  constructor(
    private readonly db: Queryable & { transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> },
    options: CertificateRegistryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  add(certificate: RegisteredCertificate): Promise<void> {
    return upsertCertificate(this.db, certificate);
  }

  async list(customerId: string): Promise<RegisteredCertificate[]> {
    const rows = await this.db.query<CertificateRow>(
      `SELECT ${COLUMNS} FROM certificates WHERE customer_id = $1 ORDER BY registered_at, fingerprint`,
      [customerId],
    );
    return rows.map(certificateOf);
  }

  async find(customerId: string, fingerprintSha256: string): Promise<RegisteredCertificate | undefined> {
    const [row] = await this.db.query<CertificateRow>(`SELECT ${COLUMNS} FROM certificates WHERE customer_id = $1 AND fingerprint = $2`, [
      customerId,
      normalizeFingerprint(fingerprintSha256),
    ]);
    return row && certificateOf(row);
  }

  async findByFingerprint(fingerprintSha256: string): Promise<RegisteredCertificate | undefined> {
    const [row] = await this.db.query<CertificateRow>(
      `SELECT ${COLUMNS} FROM certificates WHERE fingerprint = $1 ORDER BY registered_at DESC, updated_at DESC LIMIT 1`,
      [normalizeFingerprint(fingerprintSha256)],
    );
    return row && certificateOf(row);
  }

  updateStatus(
    customerId: string,
    fingerprintSha256: string,
    status: CertificateStatus,
    reason?: string,
  ): Promise<RegisteredCertificate | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<CertificateRow>(
        `SELECT ${COLUMNS} FROM certificates WHERE customer_id = $1 AND fingerprint = $2 FOR UPDATE`,
        [customerId, normalizeFingerprint(fingerprintSha256)],
      );
      if (row === undefined) return undefined;
      const next = withStatus(certificateOf(row), status, reason, this.now());
      await upsertCertificate(tx, next);
      return next;
    });
  }
}
