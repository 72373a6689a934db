import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/config';
import type { Database } from './database';
import { openAsOwner } from './openRecords';

/**
 * The system of record as the operator's tools open it: the server at DATABASE_URL, or the
 * PGlite folder (stop the bot first: one process at a time may open it), as the tables' owner.
 */
export async function openRecordsAsOwner(): Promise<Database> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // A purge or a walk of the whole chain may take minutes.
  return (await openAsOwner(loadConfig(process.env).database, { maxConnections: 1, statementTimeoutMs: 600_000 })).db;
}

/** Runs an operator's command: its result printed as JSON, its failure as one line, exit code 1 for a failed check. */
export function runTool(work: (db: Database) => Promise<{ ok: boolean; report: unknown }>): void {
  void (async () => {
    const db = await openRecordsAsOwner();
    try {
      const { ok, report } = await work(db);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      process.exitCode = ok ? 0 : 1;
    } finally {
      await db.close();
    }
  })().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
