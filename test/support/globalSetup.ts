import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPages } from '../../scripts/buildPages';
import { pingOnce, startRedisServer, TestRedisServer } from './redisServer';
import { startPostgresServer, type TestPostgresServer } from './postgresServer';
import { connectPostgres } from '../../src/records/database';
import { migrate } from '../../src/records/migrate';

/** Independent certificate fixtures, made once per test run with the openssl CLI. */
export const FIXTURE_NAME = '홍길동';
export const FIXTURE_IDN = '9001011234567';
export const FIXTURE_PASSWORD = 'Kica#Test2024';

/** The Redis and PostgreSQL this run started, for globalTeardown to stop (both run in jest's parent process). */
export const started: { redis?: TestRedisServer; postgres?: TestPostgresServer } = ((
  globalThis as { jcaStarted?: { redis?: TestRedisServer; postgres?: TestPostgresServer } }
).jcaStarted ??= {});

export default async function globalSetup(): Promise<void> {
  await provideSharedRedis();
  await provideTestDatabase();
  // The server serves the pages as built (dist/pages); tests run on the sources, so the pages are built from them too.
  await buildPages();
  const dir = mkdtempSync(join(tmpdir(), 'jca-fixtures-'));
  execFileSync(
    'bash',
    [join(__dirname, '..', 'fixtures', 'make-other-bank-fixtures.sh'), dir, FIXTURE_NAME, FIXTURE_IDN, FIXTURE_PASSWORD],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  process.env.JCA_OPENSSL_FIXTURES = dir;
  process.env.JCA_FLOW_COVERAGE_DIR = mkdtempSync(join(tmpdir(), 'jca-flow-coverage-'));
}

/**
 * The shared Redis at 127.0.0.1:6379 when it answers; otherwise one of our own on a free port,
 * stopped after the run. The drills start servers of their own, so the binary is needed either way.
 */
async function provideSharedRedis(): Promise<void> {
  if (spawnSync('redis-server', ['--version']).error !== undefined) {
    throw new Error('redis-server is not installed; the tests need it. Install it with: sudo apt-get install -y redis-server');
  }
  if (process.env.JCA_TEST_REDIS_URL !== undefined || (await pingOnce(6379))) return;
  started.redis = await startRedisServer();
  process.env.JCA_TEST_REDIS_URL = started.redis.url;
  process.stdout.write(`\nnothing answers on 127.0.0.1:6379: the tests use a redis-server of their own at ${started.redis.url}\n`);
}

/**
 * The PostgreSQL server at DATABASE_URL when given; otherwise one of our own on a free port
 * (initdb + pg_ctl), removed after the run. Each test file copies a migrated template.
 */
async function provideTestDatabase(): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (url === undefined) {
    started.postgres = await startPostgresServer();
    url = started.postgres.url;
  }
  const template = `jca_template_${process.pid}`;
  const server = connectPostgres(url, { asBot: false, maxConnections: 1 });
  await server.exec(`DROP DATABASE IF EXISTS ${template}`);
  await server.exec(`CREATE DATABASE ${template}`);
  await server.close();
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  const db = connectPostgres(templateUrl.toString(), { asBot: false, maxConnections: 1 });
  await migrate(db);
  await db.close();
  process.env.JCA_TEST_DATABASE_URL = url;
  process.env.JCA_TEST_DATABASE_TEMPLATE = template;
}
