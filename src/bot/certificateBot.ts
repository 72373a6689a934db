import { randomUUID } from 'node:crypto';
import { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import type { FlowEvent } from '../../dialogs/contract/events';
import { securePageQuestion } from '../../dialogs/contract/replies';
import type { SecureInput, SecureStepSpec } from '../../dialogs/contract/secure';
import type { Language } from '../../dialogs/contract/events';
import type { Reply } from '../../dialogs/contract/replies';
import type { HandBackMode, HandoffAudit, HubState } from '../handoff/handoffAudit';
import {
  AfterSave,
  addressOfDeskHandle,
  beginHandoff,
  customerMessageDuringHandoff,
  deskHandleOf,
  handingBack,
  HandoffTurn,
  HandoffTurnDependencies,
  hubStatusTurn,
  reasonFor,
} from '../handoff/handoffTurns';
import { botEntry, customerEntry } from '../handoff/transcript';
import { DEFAULT_LANGUAGE, Translator } from '../i18n/translator';
import type { Logger } from '../logging/logger';
import type { FlowTurn, JourneyTracker } from '../metrics/journeyTracker';
import type { Metrics, TurnOutcomeLabel } from '../metrics/metrics';
import type { ActivityDeduplicator } from '../state/activityDeduplicator';
import {
  ConversationDoc,
  ConversationStore,
  LoadedState,
  StateAddress,
  StateConflictError,
  stateAddress,
} from '../state/conversationStore';
import type { StoredConversationReference } from '../state/handoffRecord';
import type { TranscriptEntry } from '../state/transcriptEntry';
import type { ActivityDecoder, Decoded } from './decode/decodeActivity';
import { deliverTurn, TurnOutcome, typingWhileSlow } from './deliver/deliverTurn';
import type { FlowRunner } from './step/flowRunner';

export interface CertificateBotDependencies {
  readonly store: ConversationStore;
  readonly deduplicator: ActivityDeduplicator;
  readonly decoder: ActivityDecoder;
  readonly flow: FlowRunner;
  readonly translator: Translator;
  readonly logger: Logger;
  readonly clock: () => number;
  /** A journey idle longer than this is ended on the next turn. */
  readonly flowIdleMs: number;
  readonly handoff: HandoffTurnDependencies;
  /**
   * The external handoff hub: the channels it speaks on (only their handoff.status is obeyed, and
   * only they are told of a handoff), and the audit every hub event is written to.
   */
  readonly hub: { readonly channels: readonly string[]; readonly audit: HandoffAudit };
  /** Opens the secure page for a step that needs a secret (src/secure): a one-use link. */
  readonly securePages: SecurePages;
  /** The customer the bank's app passed with this conversation's token, if any (src/secure). */
  readonly appCustomer: (activity: Activity) => Promise<VerifiedIdentity | undefined>;
  /** Turns by outcome, the time of each stage, lost compare-and-sets. */
  readonly metrics: Metrics;
  /** What each saved turn did to the customer's journey. */
  readonly journeys: JourneyTracker;
}

/** A turn's plan, made on the state it read and saved with compare-and-set against it. */
interface PlannedTurn extends TurnOutcome {
  readonly conversation: ConversationDoc;
  /** Lines for the transcript: what the customer said and what we answered. */
  readonly lines: readonly TranscriptEntry[];
  /** Set when the customer switched language (saved as their preference). */
  readonly switchedTo?: Language;
  readonly afterSave?: AfterSave;
  /** What the flow did, tracked once the turn is saved (not for an attempt that lost the race). */
  readonly flowTurn?: FlowTurn;
}

/** The secure page, as the turn needs it: a one-use link for a step (src/secure implements it). */
export interface SecurePages {
  open(request: {
    readonly address: StateAddress;
    readonly reference: Partial<ConversationReference>;
    readonly language: Language;
    readonly step: SecureStepSpec;
    readonly customer?: VerifiedIdentity;
  }): Promise<{ readonly url: string }>;
}

/** What the desk sends the customer when an agent hands the conversation back. */
export interface HandedBack {
  readonly reference: StoredConversationReference;
  readonly language: Language;
  readonly replies: readonly Reply[];
}

/** A turn that lost the race for its conversation this many times asks the customer to say it again. */
const TURN_ATTEMPTS = 2;
/** An agent's hand-back is not the customer's words: it is retried until it lands. */
const HAND_BACK_ATTEMPTS = 5;

/**
 * One turn, in one direction: the activity is decoded in the light of what the flow awaits, routed
 * to the flow or to the person holding the conversation, the flow stepped (and a person asked
 * for, when the flow says so), the state saved, then the replies rendered and delivered.
 */
export class CertificateBot {
  constructor(private readonly deps: CertificateBotDependencies) {}

  async run(context: TurnContext): Promise<void> {
    const started = performance.now();
    let outcome: TurnOutcomeLabel = 'failed';
    try {
      outcome = await this.answer(context);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.deps.metrics.turnEnded({ channel: context.activity.channelId, outcome, seconds });
    }
  }

  /** The turn itself; says how it ended, for the count of turns. */
  private async answer(context: TurnContext): Promise<TurnOutcomeLabel> {
    const activity = context.activity;
    const log = this.deps.logger.child({ channel: activity.channelId, conversation: activity.conversation.id });
    const address = stateAddress(activity.channelId, activity.conversation.id, activity.from.id);
    let outcome: TurnOutcome | undefined;
    let ended: TurnOutcomeLabel;
    let stopTyping = (): void => undefined;
    try {
      // Claim and read are issued together, so Redis gets them in one round trip (auto-pipelining).
      const claimed =
        activity.id === undefined || this.deps.deduplicator.claim(`${activity.channelId}/${activity.conversation.id}/${activity.id}`);
      const loading = this.deps.metrics.timeStage('load', () => this.deps.store.load(address));
      loading.catch(() => undefined);
      if (!(await claimed)) {
        // A channel retried an activity we already answered: acknowledge it and do nothing twice.
        log.info({ activityId: activity.id }, 'duplicate activity skipped');
        return 'duplicate';
      }
      const at = this.deps.clock();
      const decode = (loaded: LoadedState): Decoded =>
        this.deps.metrics.timeStageSync('decode', () =>
          this.deps.decoder.decode(activity, this.deps.flow.awaiting(loaded.conversation?.flow)),
        );
      const loaded = await loading;
      const decoded = decode(loaded);
      if (decoded.kind === 'none') return 'ignored';
      // A slow step (issuing a certificate) shows the customer that something is happening.
      stopTyping = typingWhileSlow(context);
      outcome =
        decoded.kind === 'hub'
          ? await this.hubStatus(address, loaded, activity.channelId, decoded.state, at, log)
          : await this.settle(address, loaded, TURN_ATTEMPTS, log, async (state) => {
              const input = state === loaded ? decoded : decode(state);
              return input.kind === 'customer' ? this.customerTurn(address, state, input, activity, at) : undefined;
            });
      ended = outcome === undefined ? 'ignored' : outcome.handedOff === undefined ? 'answered' : 'handedOff';
    } catch (err) {
      const reference = randomUUID().slice(0, 8);
      log.error({ reference, err: describe(err) }, 'turn failed');
      await this.noteFailure(address, reference).catch(() => undefined);
      outcome = { replies: [{ key: 'system.error', params: { reference }, choices: ['menu.choices.agent'] }], language: DEFAULT_LANGUAGE };
      ended = 'failed';
    } finally {
      stopTyping();
    }
    if (outcome !== undefined)
      await deliverTurn(context, outcome, {
        translator: this.deps.translator,
        logger: log,
        hubChannels: this.deps.hub.channels,
        stages: this.deps.metrics,
      });
    return ended;
  }

  /**
   * An agent gives the conversation back: to the step the customer was at, to the menu, or
   * closed. Returns what to send the customer, proactively, or undefined when no agent had it.
   */
  async handBack(id: string, mode: HandBackMode, agentId: string): Promise<HandedBack | undefined> {
    const address = addressOfDeskHandle(id);
    if (address === undefined) return undefined;
    const at = this.deps.clock();
    let handedBack: HandedBack | undefined;
    // Like a turn: a racing customer message is caught by the compare-and-set save, and this is replayed.
    await this.settle(address, await this.deps.store.load(address), HAND_BACK_ATTEMPTS, this.deps.logger, async (loaded) => {
      const handoff = loaded.conversation?.handoff;
      if (loaded.conversation === undefined || handoff === undefined) return undefined;
      const planned = await this.backToBot(
        address,
        loaded,
        handingBack(this.deps.handoff, { id, conversation: loaded.conversation, mode, by: agentId, at }),
        at,
      );
      handedBack = { reference: handoff.reference, language: handoff.language, replies: planned.replies };
      return planned;
    });
    return handedBack;
  }

  /**
   * Plans one attempt on the state it read, saves it with compare-and-set, then settles what it
   * issued and tells the desk. An attempt that lost the race to a concurrent turn is planned again
   * on fresh state; after `attempts` the customer is asked to say it again.
   */
  private async settle(
    address: StateAddress,
    firstLoad: LoadedState,
    attempts: number,
    log: Logger,
    plan: (loaded: LoadedState) => Promise<PlannedTurn | undefined>,
  ): Promise<TurnOutcome | undefined> {
    for (let attempt = 1; ; attempt++) {
      const loaded = attempt === 1 ? firstLoad : await this.deps.store.load(address);
      let planned: PlannedTurn | undefined;
      try {
        planned = await plan(loaded);
        if (planned === undefined) return undefined;
        const change = { conversation: planned.conversation, lines: planned.lines, language: planned.switchedTo };
        await this.deps.metrics.timeStage('persist', () => this.deps.store.save(address, loaded, change));
      } catch (err) {
        const replayed = err instanceof StateConflictError;
        if (!replayed) throw err;
        log.warn({ attempt }, 'concurrent turn detected');
        this.deps.metrics.stateConflict(attempt >= attempts ? 'gaveUp' : 'retried');
        if (attempt >= attempts)
          return { replies: [{ key: 'system.sayAgain' }], language: planned?.language ?? loaded.user?.language ?? DEFAULT_LANGUAGE };
        continue;
      }
      if (planned.flowTurn !== undefined) void this.deps.journeys.track(planned.flowTurn);
      // The desk hears of it once the state is saved, and a failure there does not undo the turn.
      await planned.afterSave?.().catch((err: unknown) => log.error({ err: describe(err) }, 'agent desk update failed'));
      return planned;
    }
  }

  /** The route and step stages of a customer's message: to the person holding the conversation, or to the flow. */
  private async customerTurn(
    address: StateAddress,
    loaded: LoadedState,
    decoded: Extract<Decoded, { kind: 'customer' }>,
    activity: Activity,
    at: number,
  ): Promise<PlannedTurn> {
    const previous = loaded.conversation;
    if (previous?.handoff !== undefined) {
      const handoff = previous.handoff;
      const routed = await this.deps.metrics.timeStage('route', () =>
        customerMessageDuringHandoff(this.deps.handoff, {
          id: deskHandleOf(address),
          conversation: previous,
          handoff,
          event: decoded.input,
          typed: decoded.typed,
          at,
        }),
      );
      return routed.backToBot === undefined ? this.withPerson(loaded, routed, at) : this.backToBot(address, loaded, routed, at);
    }
    const lastTurnAt = previous?.lastTurnAt;
    const idleSince = lastTurnAt !== undefined && at - lastTurnAt > this.deps.flowIdleMs ? lastTurnAt : undefined;
    const said = customerEntry(decoded.input, decoded.typed, at);
    return this.stepFlow(
      address,
      loaded,
      { ...decoded.input, at },
      {
        idleSince,
        appCustomer: () => this.deps.appCustomer(activity),
        reference: TurnContext.getConversationReference(activity),
        said,
      },
    );
  }

  /**
   * A step on the secure page ended (done, failed, cancelled or expired): the flow goes on without
   * an activity, like an agent's hand-back. Returns what to send the customer, proactively.
   */
  async secureStepEnded(
    address: StateAddress,
    reference: Partial<ConversationReference>,
    event: SecureInput,
  ): Promise<TurnOutcome | undefined> {
    const at = this.deps.clock();
    return this.settle(address, await this.deps.store.load(address), HAND_BACK_ATTEMPTS, this.deps.logger, async (loaded) =>
      loaded.conversation === undefined ? undefined : this.stepFlow(address, loaded, { ...event, at }, { reference }),
    );
  }

  /** The step stage, and what the flow asked for on the way: a secure page opened, a person queued. */
  private async stepFlow(
    address: StateAddress,
    loaded: LoadedState,
    event: FlowEvent,
    options: {
      idleSince?: number;
      appCustomer?: () => Promise<VerifiedIdentity | undefined>;
      reference: Partial<ConversationReference>;
      said?: TranscriptEntry;
    },
  ): Promise<PlannedTurn> {
    const at = event.at;
    const step = await this.deps.metrics.timeStage('step', () =>
      this.deps.flow.step(loaded.conversation?.flow, event, { idleSince: options.idleSince, appCustomer: options.appCustomer }),
    );
    const flowTurn: FlowTurn = {
      before: loaded.conversation?.flow,
      after: step.persisted,
      event,
      idleExpired: options.idleSince !== undefined,
      replies: step.replies,
    };
    const language = step.language ?? loaded.user?.language ?? DEFAULT_LANGUAGE;
    const replies =
      step.secureStep === undefined
        ? step.replies
        : await this.withSecureLink(address, step.replies, step.secureStep, options.reference, language);
    const conversation: ConversationDoc = { ...loaded.conversation, flow: step.persisted, lastTurnAt: at };
    const said = options.said === undefined ? [] : [options.said];
    const base = { language, switchedTo: step.language };
    if (step.handoff === undefined)
      return { ...base, conversation, replies, lines: [...said, ...optional(botEntry(replies, at))], flowTurn };
    // The flow asked for a person: the transcript is read only now, for the agent or hub and for why.
    const earlier = await this.deps.store.transcript(address);
    const reason = reasonFor(step.handoff, earlier);
    const queued = await beginHandoff(this.deps.handoff, {
      id: deskHandleOf(address),
      conversation,
      reason,
      position: step.position,
      reference: options.reference,
      language,
      at,
    });
    const all = [...replies, ...queued.replies];
    const handoff = queued.conversation.handoff;
    return {
      ...base,
      conversation: queued.conversation,
      replies: all,
      lines: [...said, ...optional(botEntry(all, at))],
      afterSave: queued.afterSave,
      handedOff: handoff && { handoff, transcript: earlier },
      flowTurn: { ...flowTurn, handoff: reason },
    };
  }

  /** Opens the secure page for the step the flow asked for, and puts its link into the flow's question. */
  private async withSecureLink(
    address: StateAddress,
    replies: readonly Reply[],
    request: { step: SecureStepSpec; customer?: VerifiedIdentity },
    reference: Partial<ConversationReference>,
    language: Language,
  ): Promise<Reply[]> {
    const { url } = await this.deps.securePages.open({ address, reference, language, step: request.step, customer: request.customer });
    const linkKey = securePageQuestion(request.step.kind).key;
    return replies.map((reply) => (reply.key === linkKey ? { ...reply, params: { ...reply.params, url } } : reply));
  }

  /** The hub's handoff.status: audited whatever it is; obeyed only on a hub channel, never from a customer's own client. */
  private async hubStatus(
    address: StateAddress,
    loaded: LoadedState,
    channelId: string,
    state: HubState,
    at: number,
    log: Logger,
  ): Promise<TurnOutcome | undefined> {
    const id = deskHandleOf(address);
    const fromHub = this.deps.hub.channels.includes(channelId);
    await this.deps.hub.audit
      .record({
        action: 'hubStatus',
        agentId: 'hub',
        conversation: id,
        at,
        channel: channelId,
        state,
        outcome: fromHub ? 'applied' : 'refused',
      })
      .catch((err: unknown) => log.error({ err: describe(err) }, 'hub event not audited'));
    if (!fromHub) {
      log.warn({ state }, 'handoff.status from a channel that is not a hub refused');
      return undefined;
    }
    return this.settle(address, loaded, HAND_BACK_ATTEMPTS, log, async (current) => {
      const conversation = current.conversation;
      const turn =
        conversation?.handoff && hubStatusTurn(this.deps.handoff, { id, conversation, handoff: conversation.handoff, state, at });
      if (turn === undefined) return undefined;
      return turn.backToBot === undefined ? this.withPerson(current, turn, at) : this.backToBot(address, current, turn, at);
    });
  }

  /** The conversation stays with the person: nothing goes to the flow. */
  private withPerson(loaded: LoadedState, turn: HandoffTurn, at: number): PlannedTurn {
    return {
      conversation: { ...turn.conversation, lastTurnAt: at },
      lines: turn.lines ?? [],
      replies: turn.replies,
      language: loaded.user?.language ?? DEFAULT_LANGUAGE,
      afterSave: turn.afterSave,
    };
  }

  /** Back from a person: the flow goes on (at its step, asking its question again, or at the menu); closed, it waits for the customer. */
  private async backToBot(address: StateAddress, loaded: LoadedState, turn: HandoffTurn, at: number): Promise<PlannedTurn> {
    const handoff = loaded.conversation?.handoff;
    const language = handoff?.language ?? loaded.user?.language ?? DEFAULT_LANGUAGE;
    const event = turn.backToBot === undefined ? undefined : ({ type: turn.backToBot, at } as const);
    const step = event && (await this.deps.metrics.timeStage('step', () => this.deps.flow.step(turn.conversation.flow, event)));
    // Back at a step on the secure page: a fresh link, as any turn that opens one gets.
    const stepReplies =
      step?.secureStep === undefined || handoff === undefined
        ? (step?.replies ?? [])
        : await this.withSecureLink(address, step.replies, step.secureStep, handoff.reference as Partial<ConversationReference>, language);
    const replies = [...turn.replies, ...stepReplies];
    return {
      conversation: { ...turn.conversation, flow: step?.persisted ?? turn.conversation.flow, lastTurnAt: at },
      lines: [...(turn.lines ?? []), ...optional(botEntry(replies, at))],
      replies,
      language,
      afterSave: turn.afterSave,
      flowTurn: step && event && { before: turn.conversation.flow, after: step.persisted, event, replies: step.replies },
    };
  }

  /** Best effort: a request for a person right after our failure is handed off as that failure. */
  private async noteFailure(address: StateAddress, reference: string): Promise<void> {
    const at = this.deps.clock();
    await this.deps.store.note(address, [{ from: 'system', key: 'system.error', at, reference }]);
  }
}

/** Errors are logged by name and message only; ours never carry customer input. */
function describe(err: unknown): { name: string; message: string; stack?: string } {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'NonError', message: String(err) };
}

const optional = <T>(value: T | undefined): T[] => (value === undefined ? [] : [value]);
