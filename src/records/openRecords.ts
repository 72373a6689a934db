import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { BOT_ROLE, connectPostgres, type Database, IN_MEMORY, openPglite } from './database';
import { migrate } from './migrate';

/**
 * The system of record, migrated, acting as the bot's role: the PostgreSQL server at DATABASE_URL,
 * or PGlite in PGLITE_DIR when none is set, so a newcomer needs nothing else.
 */
export async function openRecords(settings: Config['database'], logger: Logger): Promise<Database> {
  const { db, migrated } = await openAsOwner(settings, { maxConnections: 1 });
  if (migrated.length > 0) logger.info({ migrations: migrated }, 'database migrated');
  if (settings.url === undefined) {
    // PGlite is this one connection: it takes the bot's role from now on.
    await db.exec(`SET ROLE ${BOT_ROLE}`);
    logger.info({ pgliteDir: settings.pgliteDir }, 'records kept in PGlite (set DATABASE_URL for a PostgreSQL server)');
    return db;
  }
  await db.close();
  return connectPostgres(settings.url, { asBot: true, statementTimeoutMs: settings.statementTimeoutMs });
}

/**
 * The system of record as the tables' owner, migrated: for the bot's start, and for the operators'
 * commands (retention, audit:verify, keys:rotate), which may run longer statements.
 */
export async function openAsOwner(
  settings: Config['database'],
  options: { readonly maxConnections?: number; readonly statementTimeoutMs?: number } = {},
): Promise<{ readonly db: Database; readonly migrated: readonly string[] }> {
  let db: Database;
  if (settings.url === undefined) {
    if (settings.pgliteDir !== IN_MEMORY) await mkdir(settings.pgliteDir, { recursive: true });
    db = await openPglite(settings.pgliteDir);
  } else {
    db = connectPostgres(settings.url, {
      asBot: false,
      maxConnections: options.maxConnections,
      statementTimeoutMs: options.statementTimeoutMs ?? settings.statementTimeoutMs,
    });
  }
  try {
    return { db, migrated: await migrate(db) };
  } catch (error) {
    await db.close();
    throw error;
  }
}
