import { AnyActorRef, AnyStateMachine, createActor, InspectionEvent, waitFor } from 'xstate';
import type { FlowEvent, Language } from '../../dialogs/contract/events';
import type { FlowContext } from '../../dialogs/flowSetup';
import type { FlowEmitted, HandoffReason, Reply } from '../../dialogs/contract/replies';
import { maskName } from '../certificates/npki/distinguishedName';
import type { TurnIssuances } from './issuanceTracking';

/** What is kept between turns: the machine's persisted snapshot and the version that wrote it. */
export interface PersistedFlow {
  readonly version: number;
  readonly snapshot: Record<string, unknown>;
}

export interface FlowStep {
  readonly persisted: PersistedFlow;
  readonly replies: readonly Reply[];
  /** Set when the customer switched language during this step. */
  readonly language?: Language;
  /** The step had asked for a secret (a password): the customer's message should be deleted. */
  readonly receivedSecret: boolean;
  /** The flow asked for a person, and why. */
  readonly handoff?: HandoffReason;
  /** Where the customer now is, for an agent: the journey, the step in it, and the masked name once given. */
  readonly position: FlowPosition;
}

export interface FlowPosition {
  readonly journey: string;
  readonly step: string;
  readonly maskedName?: string;
}

/**
 * The issuances of the turn an actor system runs, for the service that issues. Each turn has its
 * own actor system, so concurrent turns never see each other's (and nothing outlives the turn).
 */
const turnIssuances = new WeakMap<FlowSystem, TurnIssuances>();

/** The actor system of one turn's flow; the services the flow invokes are given it. */
export type FlowSystem = AnyActorRef['system'];

export function issuancesOf(system: FlowSystem): TurnIssuances | undefined {
  return turnIssuances.get(system);
}

/**
 * Runs one turn of a flow machine: restore, send, wait until settled, collect replies, persist.
 * Nothing survives in memory afterwards, so any instance can take the next turn.
 */
export class FlowRunner {
  constructor(
    private readonly machine: AnyStateMachine,
    private readonly version: number,
    private readonly settleTimeoutMs: number,
    /** Told every state the machine passes through, transient ones included (tracing, state coverage). */
    private readonly onStates?: (stateIds: readonly string[]) => void,
  ) {}

  /**
   * `eventFor` is told whether the current step asked for a secret (a password), so that a
   * password is taken as typed rather than read as a command.
   */
  async step(previous: PersistedFlow | undefined, eventFor: (awaitingSecret: boolean) => FlowEvent, options: { idleSince?: number; issuances?: TurnIssuances } = {}): Promise<FlowStep> {
    const replies: Reply[] = [];
    let language: Language | undefined;
    let handoff: HandoffReason | undefined;
    // Inspection costs on every microstep; production turns without a listener skip it.
    const onStates = this.onStates;
    const inspect =
      onStates &&
      ((e: InspectionEvent): void => {
        if (e.type === '@xstate.microstep' || e.type === '@xstate.snapshot') onStates(stateIds(this.machine.id, (e.snapshot as { value?: unknown }).value));
      });
    const restored = previous?.version === this.version ? this.restore(previous.snapshot, inspect) : undefined;
    if (previous !== undefined && restored === undefined) {
      // An older or unreadable snapshot: start over, and say so rather than pretend.
      replies.push({ key: 'system.flowRestarted' });
    }
    const actor = restored ?? createActor(this.machine, { inspect });
    if (options.issuances !== undefined) turnIssuances.set(actor.system, options.issuances);
    const receivedSecret = actor.getSnapshot().hasTag('secretInput');
    let failure: unknown;
    actor.subscribe({ error: (err) => (failure = err) });
    actor.on('*', (emitted: FlowEmitted) => {
      if (emitted.type === 'reply') replies.push(withoutType(emitted));
      else if (emitted.type === 'handoff') handoff = emitted.reason;
      else language = emitted.language;
    });
    try {
      actor.start();
      const event = eventFor(receivedSecret);
      // A journey left idle too long ends before the new input is looked at.
      if (options.idleSince !== undefined) actor.send({ type: 'IDLE_EXPIRED', at: event.at });
      actor.send(event);
      // States that wait on a service are tagged 'busy'; the turn ends when none is.
      await waitFor(actor, (s) => s.status !== 'active' || !s.hasTag('busy'), { timeout: this.settleTimeoutMs });
      if (failure !== undefined) throw failure;
      const snapshot = actor.getSnapshot();
      return {
        persisted: { version: this.version, snapshot: actor.getPersistedSnapshot() as Record<string, unknown> },
        replies,
        language,
        receivedSecret,
        handoff,
        // Only a handoff needs it: worked out when asked for, not on every turn.
        get position() {
          return positionOf(snapshot.value, snapshot.context as FlowContext);
        },
      };
    } finally {
      actor.stop();
    }
  }

  private restore(snapshot: unknown, inspect: ((e: InspectionEvent) => void) | undefined) {
    try {
      const actor = createActor(this.machine, { snapshot: snapshot as never, inspect });
      return actor.getSnapshot().status === 'active' ? actor : undefined;
    } catch {
      return undefined;
    }
  }
}

function withoutType({ type: _type, ...reply }: Extract<FlowEmitted, { type: 'reply' }>): Reply {
  return reply;
}

function positionOf(value: unknown, context: FlowContext): FlowPosition {
  const [journey = 'menu', ...step] = (stateIds('', value).at(-1) ?? '').split('.').filter(Boolean);
  const name = context.identity?.name ?? context.identityDraft?.name;
  return { journey, step: step.join('.'), maskedName: name === undefined ? undefined : maskName(name) };
}

/** `{ issuing: { verifyingIdentity: 'askingName' } }` → root.issuing, root.issuing.verifyingIdentity, … */
function stateIds(prefix: string, value: unknown): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}.${key}`, ...stateIds(`${prefix}.${key}`, child)]);
}
