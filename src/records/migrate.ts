import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database';

/** The SQL files, applied in the order of their names (001_…, 002_…); copied beside the build. */
export const MIGRATIONS_DIRECTORY = join(__dirname, 'migrations');

/** Any constant: instances starting together apply each migration once. */
const MIGRATION_LOCK = 7_251_004;

/** Applies the migrations not yet applied, each in its own transaction; returns their names. */
export async function migrate(db: Database, directory = MIGRATIONS_DIRECTORY): Promise<string[]> {
  const files = (await readdir(directory)).filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name)).sort();
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const applied: string[] = [];
  for (const file of files) {
    const script = await readFile(join(directory, file), 'utf8');
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file]);
      if (done.length > 0) return false;
      await tx.exec(script);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      return true;
    });
    if (ran) applied.push(file);
  }
  return applied;
}
