import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyStateMachine } from 'xstate';

/** Flow states the conversations of this test file passed through. */
const visited = new Set<string>();

export function recordVisitedStates(stateIds: readonly string[]): void {
  for (const id of stateIds) visited.add(id);
}

/** Called after each test file: the run's teardown adds up what every file reached. */
export function flushVisitedStates(): void {
  const dir = process.env.JCA_STATE_COVERAGE_DIR;
  if (dir === undefined || visited.size === 0) return;
  appendFileSync(join(dir, `${process.pid}.txt`), `${[...visited].join('\n')}\n`);
}

/** Every state of a machine, by id, as the machine defines them. */
export function allStates(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  const walk = (node: { id: string; states?: Record<string, unknown> }): void => {
    ids.push(node.id);
    for (const child of Object.values(node.states ?? {})) walk(child as typeof node);
  };
  walk(machine.root as unknown as { id: string; states?: Record<string, unknown> });
  return ids.slice(1); // the root itself is always "reached"
}
