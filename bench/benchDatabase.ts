import { type Database, IN_MEMORY } from '../src/records/database';
import { openAsOwner } from '../src/records/openRecords';

/** The system of record for a bench: the server at DATABASE_URL (its schema migrated), else PGlite in memory. */
export async function openBenchDatabase(): Promise<Database> {
  return (await openAsOwner({ url: process.env.DATABASE_URL, pgliteDir: IN_MEMORY, statementTimeoutMs: 60_000 })).db;
}
