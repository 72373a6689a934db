import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * Flow coverage, as the machine defines it. A state is any state node of the root machine (by id).
 * A transition is one candidate of a state node's transitions: for an event type the node names
 * (`on`, a service's done or error, a child's completion, `always`), each guarded alternative
 * in order. `root TEXT #0` is "TEXT anywhere, after the last miss allowed", `#1` the other misses.
 */
export interface FlowCoverage {
  readonly states: readonly string[];
  readonly transitions: readonly string[];
}

const ALWAYS = '(always)';

const transitionId = (source: AnyStateNode, eventType: string, index: number): string => `${source.id} ${eventType || ALWAYS} #${index}`;

/** The id of a transition a machine took; undefined for the start, which is not a transition of a state. */
export function idOfTaken(transition: AnyTransitionDefinition): string | undefined {
  const { source, eventType } = transition;
  const candidates = eventType === '' ? source.always : source.transitions.get(eventType);
  const index = candidates?.indexOf(transition) ?? -1;
  return index < 0 ? undefined : transitionId(source, eventType, index);
}

/** Every state and every transition of a machine. */
export function coverageOf(machine: AnyStateMachine): FlowCoverage {
  const nodes: AnyStateNode[] = [];
  const walk = (node: AnyStateNode): void => {
    nodes.push(node);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return {
    states: nodes.map((node) => node.id),
    transitions: nodes.flatMap((node) => [
      ...[...node.transitions].flatMap(([eventType, candidates]) => candidates.map((_, i) => transitionId(node, eventType, i))),
      ...(node.always ?? []).map((_, i) => transitionId(node, '', i)),
    ]),
  };
}

/** What the tests of this file made the machines do. */
const taken = { states: new Set<string>(), transitions: new Set<string>() };

export function recordTaken(states: Iterable<string>, transitions: Iterable<string>): void {
  for (const id of states) taken.states.add(id);
  for (const id of transitions) taken.transitions.add(id);
}

/** Called after each test file: the run's teardown adds up what every file took. */
export function flushFlowCoverage(): void {
  const dir = process.env.JCA_FLOW_COVERAGE_DIR;
  if (dir === undefined || taken.states.size === 0) return;
  const lines = [...[...taken.states].map((id) => `state ${id}`), ...[...taken.transitions].map((id) => `transition ${id}`)];
  appendFileSync(join(dir, `${process.pid}.txt`), `${lines.join('\n')}\n`);
  taken.states.clear();
  taken.transitions.clear();
}

/** What the files of a run recorded, read back from their lines. */
export function parseTaken(lines: readonly string[]): FlowCoverage {
  const ofKind = (kind: string) => lines.filter((line) => line.startsWith(`${kind} `)).map((line) => line.slice(kind.length + 1));
  return { states: ofKind('state'), transitions: ofKind('transition') };
}
