import { AnyStateMachine, createActor, waitFor } from 'xstate';
import type { FlowEvent, Language } from '../../../dialogs/contract/events';
import { awaitingAfter, FlowContext } from '../../../dialogs/flowSetup';
import type { Awaiting, FlowEmitted, HandoffReason, Reply } from '../../../dialogs/contract/replies';
import type { SecureStepSpec } from '../../../dialogs/contract/secure';
import type { VerifiedIdentity } from '../../../dialogs/contract/domain';
import { maskName } from '../../certificates/npki/distinguishedName';
import type { FlowPosition } from '../../handoff/handoffTurns';
import { ReplySchema } from '../../state/transcriptEntry';

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
  /** The flow asked for a person, and why. */
  readonly handoff?: HandoffReason;
  /** Where the customer now is, for an agent: the journey, the step in it, and the masked name once given. */
  readonly position: FlowPosition;
  /** A step that needs a secret, for the secure page: the bot opens it and links the customer to it. */
  readonly secureStep?: { readonly step: SecureStepSpec; readonly customer?: VerifiedIdentity };
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
  ) {}

  /** What the flow awaits at its step (its last question), read before the customer's message is decoded. */
  awaiting(flow: PersistedFlow | undefined): Awaiting | undefined {
    if (flow?.version !== this.version) return undefined;
    const context = flow.snapshot.context as { question?: unknown } | undefined;
    const question = ReplySchema.safeParse(context?.question);
    return question.success ? awaitingAfter(question.data) : undefined;
  }

  /**
   * `idleSince`: the conversation sat idle past the limit, so the journey ends first. `appCustomer`:
   * the customer the bank's app passed with the chat, asked for (a read) and told only while the flow
   * does not know them yet.
   */
  async step(
    previous: PersistedFlow | undefined,
    event: FlowEvent,
    options: { idleSince?: number; appCustomer?: () => Promise<VerifiedIdentity | undefined> } = {},
  ): Promise<FlowStep> {
    const replies: Reply[] = [];
    let language: Language | undefined;
    let handoff: HandoffReason | undefined;
    let secureStep: FlowStep['secureStep'];
    const restored = previous?.version === this.version ? this.restore(previous.snapshot) : undefined;
    if (previous !== undefined && restored === undefined) {
      // An older or unreadable snapshot: start over, and say so rather than pretend.
      replies.push({ key: 'system.flowRestarted' });
    }
    const actor = restored ?? createActor(this.machine);
    let failure: unknown;
    actor.subscribe({ error: (err) => (failure = err) });
    actor.on('*', (emitted: FlowEmitted) => {
      if (emitted.type === 'reply') replies.push(withoutType(emitted));
      else if (emitted.type === 'handoff') handoff = emitted.reason;
      else if (emitted.type === 'secureStep') secureStep = { step: emitted.step, customer: emitted.customer };
      else language = emitted.language;
    });
    try {
      actor.start();
      if (options.appCustomer !== undefined && (actor.getSnapshot().context as FlowContext).appCustomer === undefined) {
        const identity = await options.appCustomer();
        if (identity !== undefined) actor.send({ type: 'APP_CUSTOMER', identity, at: event.at });
      }
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
        handoff,
        secureStep,
        // Only a handoff needs it: worked out when asked for, not on every turn.
        get position() {
          return positionOf(snapshot.value, snapshot.context as FlowContext);
        },
      };
    } finally {
      actor.stop();
    }
  }

  private restore(snapshot: unknown) {
    try {
      const actor = createActor(this.machine, { snapshot: snapshot as never });
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
  const name = context.identity?.name;
  return { journey, step: step.join('.'), maskedName: name === undefined ? undefined : maskName(name) };
}

/** `{ issuing: { verifyingIdentity: 'askingName' } }` → root.issuing, root.issuing.verifyingIdentity, … */
function stateIds(prefix: string, value: unknown): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}.${key}`, ...stateIds(`${prefix}.${key}`, child)]);
}
