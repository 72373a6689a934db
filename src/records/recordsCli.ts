import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/config';
import { connectPostgres, type Database, openPglite } from './database';
import { migrate } from './migrate';

/**
 * The system of record as the operator's tools open it: the server at DATABASE_URL, or the
 * PGlite folder (stop the bot first: one process at a time may open it), as the tables' owner.
 */
export async function openRecordsAsOwner(): Promise<Database> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { database } = loadConfig(process.env);
  const db =
    database.url === undefined
      ? await openPglite(database.pgliteDir)
      : connectPostgres(database.url, { asBot: false, maxConnections: 1, statementTimeoutMs: 600_000 });
  await migrate(db);
  return db;
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
