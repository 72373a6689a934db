import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '../../src/records/database';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jca-pglite-lock-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('PGlite’s folder serves one process: a second opener is refused with a message saying why, and gets in once the first closed', async () => {
  const folder = join(dir, 'records');
  const first = await openPglite(folder);
  await expect(openPglite(folder)).rejects.toThrow(`the records in ${folder} are open in process ${process.pid}`);
  await first.close();
  const again = await openPglite(folder);
  await again.close();
});

test('a lock left by a process that died is taken over', async () => {
  const folder = join(dir, 'records');
  // A pid that was running and is not any more.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  writeFileSync(`${folder}.lock`, gone);
  const db = await openPglite(folder);
  expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  await db.close();
});
