import type { Database } from '../../src/records/database';
import { connectPostgres, openPglite } from '../../src/records/database';
import { migrate } from '../../src/records/migrate';
import { fileDatabaseUrl, freshDatabaseUrl } from './testDatabase';

/**
 * The two homes of the system of record, for store contracts: PGlite in memory (what `npm start`
 * runs without DATABASE_URL) and a fresh database on the test's PostgreSQL server. Both migrated,
 * both acting as the bot's role, as the app does.
 */
export const RECORD_DATABASES: readonly [string, () => Promise<Database>][] = [
  [
    'PGlite',
    async () => {
      const db = await openPglite('memory://');
      await migrate(db);
      await db.exec('SET ROLE jca_bot');
      return db;
    },
  ],
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
