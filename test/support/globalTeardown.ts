import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rootMachine } from '../../dialogs/rootMachine';
import { startedRedis } from './globalSetup';
import { allStates } from './stateCoverage';

/** Stops the Redis the run started, if any; prints flow state coverage and fails the run if a state was never reached. */
export default async function globalTeardown(globalConfig: { testNamePattern?: string; testPathPatterns?: { patterns?: unknown[] } }): Promise<void> {
  await startedRedis.server?.stop();
  const dir = process.env.JCA_STATE_COVERAGE_DIR;
  if (dir === undefined) return;
  const reached = new Set(readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean)));
  rmSync(dir, { recursive: true, force: true });
  const states = allStates(rootMachine);
  const missing = states.filter((id) => !reached.has(id));
  process.stdout.write(`\nflow state coverage: ${states.length - missing.length}/${states.length} states reached by tests\n`);
  // A partial run (one file, -t) cannot reach every state; only the full suite is held to 100%.
  const fullRun = !globalConfig.testNamePattern && (globalConfig.testPathPatterns?.patterns ?? []).length === 0;
  if (missing.length > 0 && fullRun) throw new Error(`flow states never reached by a test: ${missing.join(', ')}`);
  if (missing.length > 0) process.stdout.write(`not reached: ${missing.join(', ')}\n`);
}
