import type { StoreFailure } from '../metrics/metrics';
import type { Database, Queryable } from './database';

/** PostgreSQL's codes for a cancelled statement (statement_timeout) and for lost or refused connections. */
const TIMEOUT_CODES = new Set(['57014']);
const CONNECTION_CODE_CLASS = '08';

/** What kind of failure an error of the database is, for the metrics. */
export function storeFailureOf(error: unknown): StoreFailure {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return 'timeout';
  if (typeof code === 'string' && (code.startsWith(CONNECTION_CODE_CLASS) || code === 'ECONNREFUSED' || code === 'ECONNRESET'))
    return 'unavailable';
  if (/Connection terminated|timeout exceeded when trying to connect/i.test(String((error as Error).message))) return 'unavailable';
  return 'error';
}

/** The database, with every failed statement or transaction told to `failed` before it rejects as before. */
export function observedDatabase(db: Database, failed: (failure: StoreFailure) => void): Database {
  const observe = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      failed(storeFailureOf(error));
      throw error;
    }
  };
  const observed = (q: Queryable): Queryable => ({
    query: (text, params) => observe(() => q.query(text, params)),
    exec: (script) => observe(() => q.exec(script)),
  });
  return {
    kind: db.kind,
    ...observed(db),
    // Statements inside are counted once, by the transaction that fails with them.
    transaction: (work) => observe(() => db.transaction(work)),
    close: () => db.close(),
  };
}
