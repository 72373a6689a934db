/**
 * `npm start` with no settings keeps its records in PGlite under PGLITE_DIR (var/records by
 * default): a certificate issued before a restart is still in the registry after it, with its
 * ledger entry and an audit chain that verifies.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChain } from '../../src/records/auditChain';
import { openPglite } from '../../src/records/database';
import { SqlCaLedger } from '../../src/records/sqlCaLedger';
import { normalizeSerial } from '../../src/certificates/ca/certificateRevocationList';
import { startBotProcess } from '../support/botProcess';
import { stopBotProcess } from '../support/drills';
import { HttpCustomer } from '../support/httpCustomer';
import { freshRrn, HttpJourney, onInstance } from '../support/httpJourneys';

jest.setTimeout(120_000);

test('no DATABASE_URL: PGlite keeps the registry across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jca-embedded-'));
  const env = { PGLITE_DIR: join(dir, 'records'), CA_DIR: join(dir, 'ca'), SECRETS_KEY: randomBytes(32).toString('base64') };
  const customer = await HttpCustomer.start();
  try {
    const first = await startBotProcess(env);
    expect(first.output()).toContain('records kept in PGlite');
    const { serialNumber } = await new HttpJourney(customer, onInstance(first.url)).issue(freshRrn());
    await stopBotProcess(first);

    const second = await startBotProcess(env);
    // Started on the same folder: nothing to migrate again, and it serves the same CA.
    expect(second.output()).not.toContain('database migrated');
    expect((await fetch(`${second.url}/ca/bank.crl`)).status).toBe(200);
    await stopBotProcess(second);

    const db = await openPglite(env.PGLITE_DIR);
    try {
      const registry = await db.query<{ serial_number: string; status: string }>('SELECT serial_number, status FROM certificates');
      expect(registry.map((row) => ({ ...row, serial_number: normalizeSerial(row.serial_number) }))).toEqual([
        { serial_number: normalizeSerial(serialNumber), status: 'active' },
      ]);
      expect(await new SqlCaLedger(db, 'bank').find(normalizeSerial(serialNumber))).toMatchObject({ subjectDn: expect.any(String) });
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
      // The journey's progress, kept for the supervisors' funnel (written in batches, the last on shutdown).
      const funnel = await db.query<{ event: string }>("SELECT DISTINCT event FROM journey_events WHERE journey = 'issuing'");
      expect(funnel.map((row) => row.event).sort()).toEqual(['completed', 'reached', 'started']);
      // Each start is a configuration event in the audit: what it ran with, the sealing key by its id only.
      const starts = await db.query<{ details: string }>(
        "SELECT details FROM audit_log WHERE category = 'configuration' AND action = 'started'",
      );
      expect(starts.map((row) => JSON.parse(row.details))).toEqual([
        expect.objectContaining({
          sandbox: true,
          records: 'pglite',
          state: 'memory',
          sealingKeyId: expect.stringMatching(/^[0-9a-f]{16}$/),
        }),
        expect.objectContaining({ sandbox: true, records: 'pglite' }),
      ]);
      expect(JSON.stringify(starts)).not.toContain(env.SECRETS_KEY);
    } finally {
      await db.close();
    }
  } finally {
    await customer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
