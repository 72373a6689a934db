import { randomBytes } from 'node:crypto';
import { AuditLog, AuditRecord, MemoryAuditLog } from '../../src/certificates/stores/auditLog';
import type { Database } from '../../src/records/database';
import { SqlAuditLog } from '../../src/records/sqlAuditLog';
import { verifyAuditChain } from '../../src/records/auditChain';
import { RECORD_DATABASES } from '../support/recordDatabases';

const ALLOWED_FIELDS = ['at', 'action', 'outcome', 'customerId', 'serialNumber', 'issuerDn', 'reason', 'actor', 'conversationId'];

let tick = 0;
const now = (): Date => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + tick++ * 1000);

const customerId = randomBytes(32).toString('base64url');

function issued(serial: number): Omit<AuditRecord, 'at'> {
  return {
    action: 'issue',
    outcome: 'success',
    customerId,
    serialNumber: serial.toString(16).padStart(16, '0'),
    issuerDn: 'cn=Sandbox Issuing CA,o=Sandbox Bank,c=kr',
    actor: 'customer',
    conversationId: 'conv-1',
  };
}

/** What every audit log does; `create` gives one, perhaps holding records of earlier tests. */
function behavesAsAnAuditLog(create: () => AuditLog): void {
  it('round-trips records, newest first, stamped with the time', async () => {
    const log = create();
    tick = 0;
    await log.record(issued(1));
    await log.record({ action: 'revoke', outcome: 'failure', serialNumber: '02', reason: 'not found', actor: 'agent-7' });
    await log.record({ action: 'renew', outcome: 'success', customerId, actor: 'system' });

    const records = await log.recent(3);
    expect(records).toEqual([
      { at: '2025-03-01T09:00:02.000Z', action: 'renew', outcome: 'success', customerId, actor: 'system' },
      { at: '2025-03-01T09:00:01.000Z', action: 'revoke', outcome: 'failure', serialNumber: '02', reason: 'not found', actor: 'agent-7' },
      { at: '2025-03-01T09:00:00.000Z', ...issued(1) },
    ]);
    expect(await log.recent(1)).toEqual([records[0]]);
    expect(await log.recent(0)).toEqual([]);
  });

  it('holds no secret fields: unknown fields are refused, 주민등록번호 and PEM blocks scrubbed', async () => {
    const log = create();
    const before = (await log.recent(1000)).length;
    await expect(log.record({ ...issued(1), password: 'hunter2' } as Omit<AuditRecord, 'at'>)).rejects.toThrow();
    await expect(log.record({ ...issued(1), rrn: '9001011234567' } as Omit<AuditRecord, 'at'>)).rejects.toThrow();
    await expect(log.record({ ...issued(1), customerId: '900101-1234567' })).rejects.toThrow(/keyed hash/);
    await log.record({ ...issued(2), outcome: 'failure', reason: 'idn 900101 - 1234567 did not match' });
    await log.record({
      ...issued(3),
      outcome: 'failure',
      reason: 'bad file -----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY----- given',
    });

    await expect(log.record({ ...issued(4), reason: 'x'.repeat(5000) })).resolves.toBeUndefined();
    const long = await log.recent(1);
    expect(long[0]?.reason).toHaveLength(500);

    // The refused ones left nothing behind.
    expect(await log.recent(1000)).toHaveLength(before + 3);
    const records = (await log.recent(3)).slice(1);
    expect(records[1]?.reason).toBe('idn [redacted] did not match');
    expect(records[0]?.reason).toBe('bad file [redacted] given');
    for (const record of records) {
      expect(Object.keys(record).every((field) => ALLOWED_FIELDS.includes(field))).toBe(true);
      expect(JSON.stringify(record)).not.toMatch(/hunter2|1234567|PRIVATE KEY|MIIB/);
    }
  });
}

describe('MemoryAuditLog', () => {
  behavesAsAnAuditLog(() => new MemoryAuditLog({ maxLength: 100, now }));

  it('is bounded: only the newest maxLength records are returned', async () => {
    const log = new MemoryAuditLog({ maxLength: 5, now });
    for (let i = 0; i < 12; i += 1) await log.record(issued(i));
    const records = await log.recent(100);
    expect(records.map((record) => record.serialNumber)).toEqual([11, 10, 9, 8, 7].map((i) => i.toString(16).padStart(16, '0')));
  });

  it('holds at most maxLength records, 10,000 by default', async () => {
    const log = new MemoryAuditLog({ maxLength: 5, now });
    for (let i = 0; i < 12; i += 1) await log.record(issued(i));
    expect(log.size).toBe(5);
    const defaultLog = new MemoryAuditLog({ now });
    for (let i = 0; i < 10_050; i += 1) await defaultLog.record(issued(i));
    expect(defaultLog.size).toBe(10_000);
    expect((await defaultLog.recent(1))[0]?.serialNumber).toBe(issued(10_049).serialNumber);
  });
});

describe.each(RECORD_DATABASES)('SqlAuditLog on %s', (_name, openDatabase) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  behavesAsAnAuditLog(() => new SqlAuditLog(db, now));

  it('keeps every record (the retention purge, not a cap, removes them), each chained to the one before', async () => {
    const log = new SqlAuditLog(db, now);
    for (let i = 0; i < 12; i += 1) await log.record(issued(i));
    const records = await log.recent(12);
    expect(records.map((record) => record.serialNumber)).toEqual([...Array(12).keys()].reverse().map((i) => issued(i).serialNumber));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, firstSeq: 1 });
  });

  it('chains records appended at once one after another, none lost', async () => {
    const log = new SqlAuditLog(db, now);
    const [head] = await db.query<{ seq: number }>('SELECT seq FROM audit_head');
    await Promise.all([...Array(10).keys()].map((i) => log.record(issued(100 + i))));
    expect((await log.recent(10)).map((record) => record.serialNumber).sort()).toEqual(
      [...Array(10).keys()].map((i) => issued(100 + i).serialNumber).sort(),
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, lastSeq: (head?.seq ?? Number.NaN) + 10 });
  });

  it('may not be altered or deleted by the bot: its role only appends', async () => {
    const log = new SqlAuditLog(db, now);
    await log.record(issued(1));
    await expect(db.query(`UPDATE audit_log SET outcome = 'failure'`)).rejects.toThrow(/permission denied/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
    expect(await log.recent(1)).toEqual([expect.objectContaining({ outcome: 'success', serialNumber: issued(1).serialNumber })]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
