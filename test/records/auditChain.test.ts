import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyAuditChain } from '../../src/records/auditChain';
import type { Database } from '../../src/records/database';
import { SqlAuditLog, SqlHandoffAudit } from '../../src/records/sqlAuditLog';
import { SqlConsentLog } from '../../src/records/sqlConsentLog';
import { SqlStaffAccessLog } from '../../src/records/sqlStaffAccessLog';
import { ownerDatabase, RECORD_DATABASES } from '../support/recordDatabases';
import { freshDatabaseUrl } from '../support/testDatabase';

const CUSTOMER = 'a'.repeat(64);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'records', 'auditVerifyCli.js');

/** One of every kind of audited event, as the app writes them. */
async function auditEverything(db: Database): Promise<void> {
  const audit = new SqlAuditLog(db);
  await audit.record({
    actor: 'customer',
    action: 'issue',
    outcome: 'success',
    customerId: CUSTOMER,
    serialNumber: '01ab',
    issuerDn: 'cn=CA',
  });
  await audit.record({ actor: 'customer', action: 'register', outcome: 'failure', customerId: CUSTOMER, reason: 'expired' });
  await new SqlHandoffAudit(db).record({ action: 'take', agentId: 'agent-kim', conversation: 'conv-1', at: Date.now() });
  await new SqlHandoffAudit(db).record({ action: 'reply', agentId: 'agent-kim', conversation: 'conv-1', at: Date.now() });
  await new SqlConsentLog(db).record({
    at: new Date().toISOString(),
    consent: 'personalData',
    version: '2026-01',
    step: 'identity',
    journey: 'issuance',
    conversationId: 'conv-1',
    customerId: CUSTOMER,
  });
  await new SqlStaffAccessLog(db).record({
    at: new Date(),
    staffId: 'agent-kim',
    conversationId: 'conv-1',
    what: 'transcript',
    why: 'assigned',
  });
}

describe.each(RECORD_DATABASES)('the audit on %s', (_name, open) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  test('every kind of event is a row of one chain, and the chain verifies', async () => {
    await auditEverything(db);
    const rows = await db.query<{ category: string; action: string }>('SELECT category, action FROM audit_log ORDER BY seq');
    expect(rows).toEqual([
      { category: 'certificate', action: 'issue' },
      { category: 'certificate', action: 'register' },
      { category: 'agent', action: 'take' },
      { category: 'agent', action: 'reply' },
      { category: 'consent', action: 'personalData' },
      { category: 'staffAccess', action: 'view' },
    ]);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 6, firstSeq: 1, lastSeq: 6 });
    expect(await new SqlHandoffAudit(db).recent(10)).toEqual([
      expect.objectContaining({ action: 'reply', agentId: 'agent-kim', conversation: 'conv-1' }),
      expect.objectContaining({ action: 'take', agentId: 'agent-kim', conversation: 'conv-1' }),
    ]);
  });

  test("the bot's role may add and read audit rows, never change or delete them", async () => {
    await expect(db.query("UPDATE audit_log SET outcome = 'success'")).rejects.toThrow(/permission denied/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/permission denied/);
    await expect(db.query('DELETE FROM consents')).rejects.toThrow(/permission denied/);
    await expect(db.query('DELETE FROM staff_access')).rejects.toThrow(/permission denied/);
    expect((await db.query('SELECT count(*)::int AS n FROM audit_log'))[0]).toEqual({ n: 6 });
  });
});

describe('tampering, found by the check (on PostgreSQL, as the tables’ owner could)', () => {
  let url: string;
  let owner: Database;
  beforeEach(async () => {
    url = await freshDatabaseUrl();
    owner = await ownerDatabase(url);
    await auditEverything(owner);
  });
  afterEach(async () => {
    await owner.close();
  });

  test('a changed row is named', async () => {
    await owner.query("UPDATE audit_log SET outcome = 'success' WHERE seq = 2");
    expect(await verifyAuditChain(owner)).toEqual({ ok: false, rows: 1, brokenAt: 2, problem: 'its contents do not match its hash' });
  });

  test('a removed row is named, and so are removed newest rows', async () => {
    await owner.query('DELETE FROM audit_log WHERE seq = 3');
    expect(await verifyAuditChain(owner)).toMatchObject({ ok: false, brokenAt: 4, problem: 'row 3 is missing' });
    await owner.query('DELETE FROM audit_log WHERE seq >= 3');
    expect(await verifyAuditChain(owner)).toMatchObject({ ok: false, brokenAt: 6, problem: 'the newest rows are missing' });
  });

  test('rows removed from the start without a purge saying so are found', async () => {
    await owner.query('DELETE FROM audit_log WHERE seq <= 2');
    expect(await verifyAuditChain(owner)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  test('npm run audit:verify: exit 0 on a sound chain, 1 naming the first broken row', async () => {
    const run = (databaseUrl: string) =>
      promisify(execFile)(process.execPath, [CLI], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl } }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    expect(await run(url)).toEqual({ code: 0, stdout: expect.stringContaining('"ok": true') });
    await owner.query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 4");
    const broken = await run(url);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, brokenAt: 4 });
  });
});
