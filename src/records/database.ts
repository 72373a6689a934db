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
export async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite: Pglite } = await import('@electric-sql/pglite');
  const db: PGlite = await Pglite.create(dataDir === 'memory://' ? undefined : dataDir);
  const queryOn = (client: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async <Row extends object>(text: string, params?: readonly unknown[]) =>
      (await client.query<Row>(text, params as unknown[] | undefined)).rows,
    exec: async (script) => void (await client.exec(script)),
  });
  return {
    kind: 'pglite',
    ...queryOn(db),
    transaction: (work) => db.transaction((tx) => work(queryOn(tx))),
    close: () => db.close(),
  };
}
