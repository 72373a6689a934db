import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './redisServer';

export interface TestPostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres: the superuser, trusted on loopback. */
  readonly url: string;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'PostgreSQL is not installed; the tests need its server binaries. Install them with: sudo apt-get install -y postgresql';

/** Debian keeps initdb and pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin. */
export function postgresBinary(name: 'initdb' | 'pg_ctl' | 'pg_dump' | 'pg_restore' | 'psql'): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const path = join(root, version, 'bin', name);
    if (existsSync(path)) return path;
  }
  if (spawnSync(name, ['--version']).error === undefined) return name;
  throw new Error(INSTALL_HINT);
}

/**
 * A throwaway PostgreSQL server on a free port (initdb + pg_ctl), fsync off, removed by `stop()`.
 * PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user.
 */
export async function startPostgresServer(): Promise<TestPostgresServer> {
  const initdb = postgresBinary('initdb');
  const pgCtl = postgresBinary('pg_ctl');
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'jca-pg-'));
  const asOwner = ownerRunner(dir);
  const data = join(dir, 'data');
  asOwner(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  asOwner(pgCtl, [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      asOwner(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ownerRunner(dir: string): (command: string, args: string[]) => void {
  if (userInfo().uid !== 0) return (command, args) => void execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const owner = execFileSync('id', ['-u', 'postgres']).toString().trim();
  const group = execFileSync('id', ['-g', 'postgres']).toString().trim();
  chownSync(dir, Number(owner), Number(group));
  chmodSync(dir, 0o700);
  return (command, args) =>
    void execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}
