import { createActor, InspectionEvent, Snapshot, SnapshotFrom, StateValue, waitFor } from 'xstate';
import type { FlowEvent } from '../../dialogs/contract/events';
import type { FlowEmitted, Reply } from '../../dialogs/contract/replies';
import { idOfTaken, recordTaken } from '../support/flowCoverage';
import { machineWith, ServiceScript, type DialogMachine, type ServiceCall } from './fakeServices';

export type DialogSnapshot = SnapshotFrom<DialogMachine>;

/** One turn of the machine on its own: what it said and did, and where it now stands. */
export interface Turn {
  /** Where the turn started. */
  readonly started: StateValue;
  readonly snapshot: DialogSnapshot;
  /** As the bot would keep it for the next turn. */
  readonly persisted: Snapshot<unknown>;
  readonly emitted: readonly FlowEmitted[];
  /** The replies' keys, in order. */
  readonly keys: readonly string[];
  readonly replies: readonly Reply[];
  readonly calls: readonly ServiceCall[];
}

/** A turn that cannot settle is a bug in the machine or the fakes, not something to wait for. */
const SETTLE_TIMEOUT_MS = 2000;

/**
 * Runs one turn as the bot's flow runner does (src/bot/step/flowRunner.ts): restore the kept
 * snapshot (or start afresh), send the event, and wait until no state waits on a service
 * ('busy'). The states entered and the transitions taken count towards flow coverage.
 */
export async function takeTurn(
  machine: DialogMachine,
  script: ServiceScript,
  from: Snapshot<unknown> | undefined,
  event: FlowEvent,
): Promise<Turn> {
  const states = new Set<string>();
  const transitions = new Set<string>();
  const inspect = (e: InspectionEvent): void => {
    if (e.type !== '@xstate.microstep') return;
    for (const node of (e.snapshot as DialogSnapshot)._nodes) states.add(node.id);
    for (const t of e._transitions) {
      const id = idOfTaken(t);
      if (id !== undefined) transitions.add(id);
    }
  };
  const actor = createActor(machine, { snapshot: from as never, inspect });
  const emitted: FlowEmitted[] = [];
  let failure: unknown;
  actor.subscribe({ error: (err) => (failure = err) });
  actor.on('*', (e: FlowEmitted) => void emitted.push(e));
  const callsBefore = script.calls.length;
  try {
    actor.start();
    const started = actor.getSnapshot();
    for (const node of started._nodes) states.add(node.id);
    actor.send(event);
    const snapshot = await waitFor(actor, (s) => s.status !== 'active' || !s.hasTag('busy'), { timeout: SETTLE_TIMEOUT_MS });
    if (failure !== undefined) throw failure;
    recordTaken(states, transitions);
    const replies = emitted.flatMap((e) => (e.type === 'reply' ? [withoutType(e)] : []));
    return {
      started: started.value,
      snapshot,
      persisted: actor.getPersistedSnapshot(),
      emitted,
      keys: replies.map((r) => r.key),
      replies,
      calls: script.calls.slice(callsBefore),
    };
  } finally {
    actor.stop();
  }
}

function withoutType({ type: _type, ...reply }: Extract<FlowEmitted, { type: 'reply' }>): Reply {
  return reply;
}

/** A customer talking to the machine alone: one turn per event, the kept snapshot carried from turn to turn. */
export class DialogSession {
  readonly script = new ServiceScript();
  readonly machine = machineWith(this.script);
  private kept: Snapshot<unknown> | undefined;

  async send(event: FlowEvent): Promise<Turn> {
    const turn = await takeTurn(this.machine, this.script, this.kept, event);
    this.kept = turn.persisted;
    return turn;
  }
}
