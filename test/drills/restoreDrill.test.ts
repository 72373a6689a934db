/**
 * The recovery plan's drill (전자금융감독규정 제23조): the system of record is backed up with
 * pg_dump, restored into a fresh database, and the restored copy's audit chain verifies and its
 * registry, ledger and journal are the same as the original's.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyAuditChain } from '../../src/records/auditChain';
import type { Database } from '../../src/records/database';
import { SqlAuditLog, SqlHandoffAudit } from '../../src/records/sqlAuditLog';
import { SqlCaLedger } from '../../src/records/sqlCaLedger';
import { SqlCertificateRegistry } from '../../src/records/sqlCertificateRegistry';
import { SqlIssuanceJournal } from '../../src/records/sqlIssuanceJournal';
import { postgresBinary } from '../support/postgresServer';
import { ownerDatabase } from '../support/recordDatabases';
import { asServer, databaseUrl, freshDatabaseUrl, TEST_DATABASE_PREFIX } from '../support/testDatabase';

const run = promisify(execFile);
const CUSTOMER = 'f'.repeat(64);

async function seed(db: Database): Promise<void> {
  await new SqlCaLedger(db, 'bank').recordIssued({
    serialNumber: '0a1b',
    subjectDn: 'cn=홍길동',
    notAfter: '2030-01-01T00:00:00.000Z',
    issuedAt: new Date().toISOString(),
  });
  await new SqlCaLedger(db, 'bank').revoke('0a1b', 'superseded', new Date());
  await new SqlIssuanceJournal(db).begin({ key: 'ref-1', customerId: CUSTOMER, owner: CUSTOMER, startedAt: Date.now() });
  await new SqlCertificateRegistry(db).add({
    customerId: CUSTOMER,
    serialNumber: '0a1b',
    issuerDn: 'cn=CA',
    subjectDn: 'cn=홍길동',
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2030-01-01T00:00:00.000Z',
    fingerprintSha256: '1'.repeat(64),
    origin: 'issued',
    status: 'active',
    registeredAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  });
  const audit = new SqlAuditLog(db);
  for (let i = 0; i < 20; i++)
    await audit.record({ actor: 'customer', action: 'issue', outcome: 'success', customerId: CUSTOMER, serialNumber: `${i}` });
  await new SqlHandoffAudit(db).record({ action: 'take', agentId: 'agent-kim', conversation: 'c', at: Date.now() });
}

const snapshot = async (db: Database) => ({
  registry: await db.query('SELECT * FROM certificates ORDER BY customer_id, fingerprint'),
  ledger: await db.query('SELECT * FROM ca_certificates ORDER BY ca_id, serial_number'),
  journal: await db.query('SELECT * FROM issuances ORDER BY key'),
  audit: await db.query('SELECT * FROM audit_log ORDER BY seq'),
});

test('backed up with pg_dump, restored with pg_restore into a fresh database: the audit chain verifies and the records are whole', async () => {
  const sourceUrl = await freshDatabaseUrl();
  const source = await ownerDatabase(sourceUrl);
  const dir = mkdtempSync(join(tmpdir(), 'jca-backup-'));
  const restoredName = `${TEST_DATABASE_PREFIX}restored_${process.pid}`;
  let restored: Database | undefined;
  try {
    await seed(source);
    const dump = join(dir, 'records.dump');
    await run(postgresBinary('pg_dump'), ['--format=custom', '--no-owner', `--file=${dump}`, sourceUrl]);

    await asServer((client) => client.query(`CREATE DATABASE ${restoredName}`));
    await run(postgresBinary('pg_restore'), ['--no-owner', '--exit-on-error', `--dbname=${databaseUrl(restoredName)}`, dump]);
    restored = await ownerDatabase(databaseUrl(restoredName));

    expect(await verifyAuditChain(restored)).toEqual({ ok: true, rows: 21, firstSeq: 1, lastSeq: 21 });
    expect(await snapshot(restored)).toEqual(await snapshot(source));
    expect(await new SqlCertificateRegistry(restored).find(CUSTOMER, '1'.repeat(64))).toMatchObject({
      serialNumber: '0a1b',
      status: 'active',
    });
    // The restored copy takes new records, chained on to the old ones.
    await new SqlAuditLog(restored).record({ actor: 'system', action: 'revoke', outcome: 'success', serialNumber: '0a1b' });
    expect(await verifyAuditChain(restored)).toMatchObject({ ok: true, rows: 22 });
  } finally {
    await restored?.close();
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
