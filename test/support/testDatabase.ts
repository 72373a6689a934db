import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The PostgreSQL server the run uses (DATABASE_URL, or the one globalSetup started) and the
 * migrated template each test file's database is copied from.
 */
export function testServerUrl(): string {
  const url = process.env.JCA_TEST_DATABASE_URL;
  if (url === undefined) throw new Error('no test database server: test/support/globalSetup.ts provides one');
  return url;
}

export const TEMPLATE_DATABASE = process.env.JCA_TEST_DATABASE_TEMPLATE ?? 'jca_template';

/** Databases a run makes start with its template's name, so its teardown finds them (and only them) on a server it did not start. */
export const TEST_DATABASE_PREFIX = `${TEMPLATE_DATABASE}_`;

/** The URL of another database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new database, migrated (a copy of the template), for this test file or test alone. */
export async function freshDatabaseUrl(): Promise<string> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await asServer(async (client) => {
    // Copies from one template taken at once by several workers may find it busy for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  return databaseUrl(name);
}

let fileDatabase: Promise<string> | undefined;

/** One database for the whole test file (jest loads this module once per file): apps it starts share their records. */
export function fileDatabaseUrl(): Promise<string> {
  fileDatabase ??= freshDatabaseUrl();
  return fileDatabase;
}

export async function asServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops the databases this run made on a server it was given (DATABASE_URL), and its template. */
export async function dropRunDatabases(): Promise<void> {
  if (process.env.JCA_TEST_DATABASE_URL === undefined) return;
  await asServer(async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${TEST_DATABASE_PREFIX}%`,
    ]);
    for (const { datname } of [...rows, { datname: TEMPLATE_DATABASE }])
      await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}
