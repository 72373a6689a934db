import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { BOT_ROLE, connectPostgres, type Database, openPglite } from './database';
import { migrate } from './migrate';

/**
 * The system of record, migrated, acting as the bot's role: the PostgreSQL server at DATABASE_URL,
 * or PGlite in PGLITE_DIR when none is set, so a newcomer needs nothing else.
 */
export async function openRecords(settings: Config['database'], logger: Logger): Promise<Database> {
  if (settings.url !== undefined) {
    const owner = connectPostgres(settings.url, { asBot: false, maxConnections: 1, statementTimeoutMs: settings.statementTimeoutMs });
    try {
      logMigrations(logger, await migrate(owner));
    } finally {
      await owner.close();
    }
    return connectPostgres(settings.url, { asBot: true, statementTimeoutMs: settings.statementTimeoutMs });
  }
  await mkdir(settings.pgliteDir, { recursive: true });
  const db = await openPglite(settings.pgliteDir);
  logMigrations(logger, await migrate(db));
  await db.exec(`SET ROLE ${BOT_ROLE}`);
  logger.info({ pgliteDir: settings.pgliteDir }, 'records kept in PGlite (set DATABASE_URL for a PostgreSQL server)');
  return db;
}

function logMigrations(logger: Logger, applied: readonly string[]): void {
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
}
