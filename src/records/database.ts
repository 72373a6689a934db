import { readFile, rm, writeFile } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { Pool, types, type PoolClient } from 'pg';

/** Runs SQL: the database itself, or one transaction on it. Rows come back as plain objects. */
export interface Queryable {
  query<Row extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements without parameters (a migration's file). */
  exec(script: string): Promise<void>;
}

/**
 * The system of record: PostgreSQL through `pg`, or PGlite (PostgreSQL in WASM) when no server
 * is configured. The same SQL and migrations run on both.
 */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Everything `work` does commits together, or nothing does. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The role the bot's queries run as (SET ROLE on every connection): it may read and insert audit
 * rows but not change or delete them. Migrations and the retention purge run as the connecting
 * user, who owns the tables.
 */
export const BOT_ROLE = 'jca_bot';

export interface DatabaseOptions {
  /** Act as BOT_ROLE (the bot) or as the connecting user (migrations, retention, tools). */
  readonly asBot: boolean;
  /** How long one statement may run before the server cancels it. */
  readonly statementTimeoutMs?: number;
  readonly maxConnections?: number;
}

// int8 (counts, sequence numbers) as JS numbers: ours stay far below 2^53.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/** A PostgreSQL server at `url` (postgres://…). */
export function connectPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: 5_000,
    // Set when the session starts, before any query of ours; a login that may not act as the bot fails to connect, loudly.
    ...(options.asBot && { options: `-c role=${BOT_ROLE}` }),
  });
  // An idle connection the server dropped must not take the process with it; the next query reconnects.
  pool.on('error', () => undefined);
  const queryOn = (client: Pool | PoolClient): Queryable => ({
    query: async <Row extends object>(text: string, params?: readonly unknown[]) =>
      (await client.query(text, params as unknown[] | undefined)).rows as Row[],
    exec: async (script) => void (await client.query(script)),
  });
  return {
    kind: 'postgres',
    ...queryOn(pool),
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(queryOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * PGlite in this process, persisting under `dataDir` (or in memory for `memory://`), as the
 * connecting user until told `SET ROLE`. One process at a time may open a folder; PGlite runs one
 * statement at a time, so transactions queue.
 */
/** PGlite's name for a database kept in memory only (tests, benches). */
export const IN_MEMORY = 'memory://';

export async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir === IN_MEMORY;
  const unlock = inMemory ? async () => undefined : await lockFolder(dataDir);
  const { PGlite: Pglite } = await import('@electric-sql/pglite');
  const db: PGlite = await Pglite.create(inMemory ? undefined : dataDir).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  const queryOn = (client: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <Row extends object>(text: string, params?: readonly unknown[]) =>
      (await client.query<Row>(text, params as unknown[] | undefined)).rows,
    exec: async (script) => void (await client.exec(script)),
  });
  return {
    kind: 'pglite',
    ...queryOn(db),
    transaction: (work) => db.transaction((tx) => work(queryOn(tx))),
    close: async () => {
      await db.close();
      await unlock();
    },
  };
}

/**
 * PGlite's files take one process: a second one (another `npm start`, or a tool while the bot runs)
 * is refused with a message, not let in to corrupt them. A lock left by a process that died is taken over.
 */
async function lockFolder(dataDir: string): Promise<() => Promise<void>> {
  const lock = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder))
        throw new Error(
          `the records in ${dataDir} are open in process ${holder}: PGlite serves one process (stop it, or set DATABASE_URL)`,
          { cause: error },
        );
      await rm(lock, { force: true });
    }
  }
  throw new Error(`could not lock ${lock}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
