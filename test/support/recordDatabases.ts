import type { Database } from '../../src/records/database';
import { connectPostgres, IN_MEMORY } from '../../src/records/database';
import { createLogger } from '../../src/logging/logger';
import { openRecords } from '../../src/records/openRecords';
import { fileDatabaseUrl, freshDatabaseUrl } from './testDatabase';

/**
 * The two homes of the system of record, for store contracts: PGlite in memory (what `npm start`
 * runs without DATABASE_URL) and a fresh database on the test's PostgreSQL server. Both migrated,
 * both acting as the bot's role, as the app does.
 */
export const RECORD_DATABASES: readonly [string, () => Promise<Database>][] = [
  ['PGlite', () => openRecords({ pgliteDir: IN_MEMORY, statementTimeoutMs: 10_000 }, createLogger('silent'))],
  ['PostgreSQL', async () => connectPostgres(await freshDatabaseUrl(), { asBot: true })],
];

/** The test server's database as its owner (migrations, retention, tampering in tests). */
export async function ownerDatabase(url?: string): Promise<Database> {
  return connectPostgres(url ?? (await freshDatabaseUrl()), { asBot: false });
}

/** The test file's database (the one its apps and bot processes share) as its owner: opened on first use, closed after the file. */
export function fileRecords(): () => Promise<Database> {
  let db: Promise<Database> | undefined;
  afterAll(async () => {
    await (await db)?.close();
  });
  return () => (db ??= fileDatabaseUrl().then((url) => ownerDatabase(url)));
}
