import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyAuditChain } from '../../src/records/auditChain';
import type { Database } from '../../src/records/database';
import { purgeExpired } from '../../src/records/retention';
import { SqlAuditLog } from '../../src/records/sqlAuditLog';
import { upsertCertificate } from '../../src/records/sqlCertificateRegistry';
import { SqlConsentLog } from '../../src/records/sqlConsentLog';
import { SqlStaffAccessLog } from '../../src/records/sqlStaffAccessLog';
import { ownerDatabase, RECORD_DATABASES } from '../support/recordDatabases';
import { freshDatabaseUrl } from '../support/testDatabase';

const SCHEDULE = { recordsDays: 1826, staffAccessDays: 731, transcriptDays: 90, consentDaysAfterRelationship: 1826 };
const DAY = 24 * 3600 * 1000;
/** The fake clock: records are written at chosen past dates, and the purge runs "today". */
const TODAY = new Date('2032-06-01T00:00:00.000Z');
const daysAgo = (days: number): Date => new Date(TODAY.getTime() - days * DAY);
const STAYING = 'b'.repeat(64);
const LEAVING = 'c'.repeat(64);

function certificate(customerId: string, fingerprintDigit: string, notAfter: Date, status: 'active' | 'revoked') {
  return {
    customerId,
    serialNumber: `0${fingerprintDigit}`,
    issuerDn: 'cn=CA',
    subjectDn: 'cn=홍길동',
    notBefore: new Date(notAfter.getTime() - 365 * DAY).toISOString(),
    notAfter: notAfter.toISOString(),
    fingerprintSha256: fingerprintDigit.repeat(64),
    origin: 'issued' as const,
    status,
    registeredAt: new Date(notAfter.getTime() - 365 * DAY).toISOString(),
    updatedAt: new Date(notAfter.getTime() - 365 * DAY).toISOString(),
  };
}

/** Six years of records: some past their time today, some not. */
async function seed(db: Database): Promise<void> {
  const auditAt = (days: number) => new SqlAuditLog(db, () => daysAgo(days));
  await auditAt(2200).record({ actor: 'customer', action: 'issue', outcome: 'success', customerId: LEAVING });
  await auditAt(2000).record({ actor: 'customer', action: 'release', outcome: 'success', customerId: LEAVING });
  await auditAt(10).record({ actor: 'customer', action: 'issue', outcome: 'success', customerId: STAYING });
  // A customer whose only certificate ended six years ago; another with an active one, though their consent is old.
  await upsertCertificate(db, certificate(LEAVING, 'd', daysAgo(2190), 'revoked'));
  await upsertCertificate(db, certificate(STAYING, 'e', daysAgo(-300), 'active'));
  const consents = new SqlConsentLog(db);
  const consent = (customerId: string, at: Date) =>
    consents.record({
      at: at.toISOString(),
      consent: 'personalData',
      version: '1',
      step: 'identity',
      journey: 'issuance',
      conversationId: 'c',
      customerId,
    });
  await consent(LEAVING, daysAgo(2400));
  await consent(STAYING, daysAgo(2400));
  const access = new SqlStaffAccessLog(db);
  await access.record({ at: daysAgo(800), staffId: 'agent-kim', conversationId: 'c', what: 'transcript', why: 'assigned' });
  await access.record({ at: daysAgo(100), staffId: 'agent-kim', conversationId: 'c', what: 'transcript', why: 'queued' });
}

describe.each(RECORD_DATABASES)('retention on %s, with a fake clock', (_name, open) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await seed(db);
  });
  afterAll(async () => {
    await db.close();
  });

  test('what is past its time goes, the rest stays, the purge is audited, and the chain still verifies', async () => {
    const report = await purgeExpired(db, SCHEDULE, TODAY);
    expect(report).toMatchObject({ certificates: 1, consents: 1, staffAccess: 1 });
    // The two old audit rows at the chain's start; the recent one after them stays.
    expect(report.audit).toBe(2);
    expect(await db.query("SELECT action, customer_id FROM audit_log WHERE category = 'certificate'")).toEqual([
      { action: 'issue', customer_id: STAYING },
    ]);
    expect((await db.query<{ customer_id: string }>('SELECT customer_id FROM certificates')).map((r) => r.customer_id)).toEqual([STAYING]);
    // The relationship goes on: the old consent of a customer with an active certificate is kept.
    expect((await db.query<{ customer_id: string }>('SELECT customer_id FROM consents')).map((r) => r.customer_id)).toEqual([STAYING]);
    expect(await db.query('SELECT why FROM staff_access')).toEqual([{ why: 'queued' }]);
    const [purge] = await db.query<{ details: string }>("SELECT details FROM audit_log WHERE category = 'retention' AND action = 'purge'");
    expect(JSON.parse(purge?.details ?? '{}')).toMatchObject({ removed: report, auditRemovedThrough: { seq: expect.any(Number) } });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    // A second purge on the same day removes nothing more, and says so.
    expect(await purgeExpired(db, SCHEDULE, TODAY)).toEqual({
      certificates: 0,
      caCertificates: 0,
      caSubscribers: 0,
      issuances: 0,
      consents: 0,
      staffAccess: 0,
      journeyEvents: 0,
      audit: 0,
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

test('npm run retention purges on the configured schedule (RETENTION_*) and prints what it removed', async () => {
  const url = await freshDatabaseUrl();
  const owner = await ownerDatabase(url);
  try {
    await new SqlStaffAccessLog(owner).record({
      at: new Date(Date.now() - 40 * DAY),
      staffId: 'a',
      conversationId: 'c',
      what: 'transcript',
      why: 'queued',
    });
    const cli = join(__dirname, '..', '..', 'dist', 'src', 'records', 'retentionCli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, RETENTION_STAFF_ACCESS_DAYS: '30' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ staffAccess: 1 });
    expect(await owner.query('SELECT * FROM staff_access')).toEqual([]);
  } finally {
    await owner.close();
  }
});
