import { connectPostgres, type Database, openPglite } from '../src/records/database';
import { migrate } from '../src/records/migrate';

/** The system of record for a bench: the server at DATABASE_URL (its schema migrated), else PGlite in memory. */
export async function openBenchDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  const db = url === undefined ? await openPglite('memory://') : connectPostgres(url, { asBot: false });
  await migrate(db);
  return db;
}
