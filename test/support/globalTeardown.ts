import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rootMachine } from '../../dialogs/rootMachine';
import { started } from './globalSetup';
import { dropRunDatabases } from './testDatabase';
import { coverageOf, parseTaken } from './flowCoverage';

/** The machine tests (test/dialogs) must enter every state and take nearly every transition. */
const REQUIRED = { states: 1, transitions: 0.95 } as const;

/** Stops the Redis and PostgreSQL the run started, if any; prints flow coverage and fails a full run that falls short of it. */
export default async function globalTeardown(globalConfig: {
  testNamePattern?: string;
  testPathPatterns?: { patterns?: unknown[] };
}): Promise<void> {
  await started.redis?.stop();
  // A server of our own goes whole; on a given one (DATABASE_URL), only this run's databases.
  if (started.postgres !== undefined) await started.postgres.stop();
  else await dropRunDatabases();
  const dir = process.env.JCA_FLOW_COVERAGE_DIR;
  if (dir === undefined) return;
  const taken = parseTaken(readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n')));
  rmSync(dir, { recursive: true, force: true });
  const all = coverageOf(rootMachine);
  const states = new Set(taken.states);
  const transitions = new Set(taken.transitions);
  const missing = { states: all.states.filter((id) => !states.has(id)), transitions: all.transitions.filter((id) => !transitions.has(id)) };
  const covered = { states: all.states.length - missing.states.length, transitions: all.transitions.length - missing.transitions.length };
  process.stdout.write(
    `\nflow coverage: ${covered.states}/${all.states.length} states, ${covered.transitions}/${all.transitions.length} transitions\n`,
  );
  // A partial run (one file, -t) cannot take every transition; only the full suite is held to it.
  const fullRun = !globalConfig.testNamePattern && (globalConfig.testPathPatterns?.patterns ?? []).length === 0;
  if (!fullRun) return;
  const short = [
    ...(covered.states < REQUIRED.states * all.states.length ? [`states never entered: ${missing.states.join(', ')}`] : []),
    ...(covered.transitions < REQUIRED.transitions * all.transitions.length
      ? [`transitions never taken: ${missing.transitions.join(', ')}`]
      : []),
  ];
  if (short.length > 0)
    throw new Error(
      `flow coverage is below ${REQUIRED.states * 100}% of states or ${REQUIRED.transitions * 100}% of transitions\n${short.join('\n')}`,
    );
}
