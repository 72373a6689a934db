import { randomUUID } from 'node:crypto';
import { Activity, ActivityTypes, ConversationReference, EventFactory, HandoffEventNames, TurnContext } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { FlowEvent, Language, ProtectedInput, RecognizedInput } from '../../dialogs/contract/events';
import type { Reply } from '../../dialogs/contract/replies';
import { DEFAULT_LANGUAGE, Translator } from '../i18n/translator';
import type { Logger } from '../logging/logger';
import type { ActivityDeduplicator } from '../state/activityDeduplicator';
import { ConversationDoc, ConversationStore, LoadedState, StateAddress, StateConflictError, stateAddress } from '../state/conversationStore';
import type { HandBackMode, HandoffRecord, StoredConversationReference, TranscriptEntry } from '../handoff/handoffRecord';
import { HandoffAudit, HubState, HubStates } from '../handoff/handoffAudit';
import { AfterSave, HandoffTurnDependencies, RESUME_EVENT, addressOf, beginHandoff, customerMessageDuringHandoff, handleOf, lastPrompt, reasonFor } from '../handoff/handoffTurns';
import { botEntry, customerEntry, renderTranscript } from '../handoff/transcript';
import { activityToInput, cardSecretOf } from './activityToInput';
import type { AttachmentDownloader } from './attachmentDownloader';
import { PersonalDataGuard } from './personalDataGuard';
import type { FlowRunner, FlowStep, PersistedFlow } from './flowRunner';
import { renderReplies } from './replyRenderer';
import { capabilitiesOf } from './channelCapabilities';
import type { IssuanceTracking, TurnIssuances } from './issuanceTracking';

/** A turn slower than this shows a typing indicator (where the channel has one). */
const TYPING_AFTER_MS = 300;

export interface CertificateBotDependencies {
  readonly store: ConversationStore;
  readonly deduplicator: ActivityDeduplicator;
  readonly flow: FlowRunner;
  readonly translator: Translator;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly guard: PersonalDataGuard;
  /** A journey idle longer than this is ended on the next turn. */
  readonly flowIdleMs: number;
  readonly attachments: AttachmentDownloader;
  readonly handoff: HandoffTurnDependencies;
  /**
   * The external handoff hub: the channels it speaks on (only their handoff.status is obeyed, and
   * only they are told of a handoff), and the audit every hub event is written to.
   */
  readonly hub: { readonly channels: readonly string[]; readonly audit: HandoffAudit };
  /** Settles the issuances a turn makes (delivered once saved, revoked if not) and finds interrupted ones. */
  readonly issuances?: IssuanceTracking;
}

interface TurnOutcome {
  readonly replies: readonly Reply[];
  readonly language: Language;
  /** The message carried a secret (주민등록번호, phone, password) and should leave the channel's history. */
  readonly sensitive?: boolean;
  /** The conversation was just queued for a person: the channel is told with a handoff.initiate event. */
  readonly handedOff?: HandedOff;
}

interface TurnInput {
  readonly input: RecognizedInput | ProtectedInput;
  /** The message as typed; only ever stored redacted. */
  readonly typed?: string;
  readonly eventFor: (awaitingSecret: boolean) => FlowEvent;
  readonly at: number;
  /** Where to reach the customer later; built only when a person is asked for. */
  readonly reference: () => Partial<ConversationReference>;
}

interface PlannedTurn {
  readonly conversation: ConversationDoc;
  /** Lines for the transcript: what the customer said and what we answered. */
  readonly lines: readonly TranscriptEntry[];
  readonly replies: readonly Reply[];
  readonly language?: Language;
  readonly sensitive?: boolean;
  readonly afterSave?: AfterSave;
  readonly handedOff?: HandedOff;
}

interface HandedOff {
  readonly handoff: HandoffRecord;
  readonly transcript: readonly TranscriptEntry[];
}

/** What the desk sends the customer when an agent hands the conversation back. */
export interface HandedBack {
  readonly reference: StoredConversationReference;
  readonly language: Language;
  readonly replies: readonly Reply[];
}

/** One turn: load state, recognize, step the flow (or pass the message to an agent), save, then render and send the replies. */
export class CertificateBot {
  constructor(private readonly deps: CertificateBotDependencies) {}

  async run(context: TurnContext): Promise<void> {
    const activity = await this.deps.attachments.inline(context.activity);
    const log = this.deps.logger.child({ channel: activity.channelId, conversation: activity.conversation.id });
    const hubStatus = handoffStatusOf(activity);
    if (hubStatus !== undefined) return this.onHubStatus(context, hubStatus, log);
    const fromHub = this.deps.hub.channels.includes(activity.channelId);
    const recognized = activityToInput(activity);
    if (recognized === undefined) return;
    // A password card posts the password in `value`, not `text`; it is a secret wherever it arrives.
    const cardSecret = cardSecretOf(activity);
    const input = this.deps.guard.protect(recognized);
    const address = stateAddress(activity.channelId, activity.conversation.id, activity.from.id);
    let outcome: TurnOutcome;
    let typing: NodeJS.Timeout | undefined;
    try {
      // Claim and read are issued together, so Redis gets them in one round trip (auto-pipelining).
      const claimed = activity.id === undefined || this.deps.deduplicator.claim(`${activity.channelId}/${activity.conversation.id}/${activity.id}`);
      const loading = this.deps.store.load(address);
      loading.catch(() => undefined);
      if (!(await claimed)) {
        // A channel retried an activity we already answered: acknowledge it and do nothing twice.
        log.info({ activityId: activity.id }, 'duplicate activity skipped');
        return;
      }
      const at = this.deps.clock();
      const eventFor = (awaitingSecret: boolean): FlowEvent => ({ ...(awaitingSecret ? asSecret(activity, cardSecret, input) : input), at });
      // A slow step (issuing a certificate) shows the customer that something is happening.
      typing = capabilitiesOf(activity.channelId).typing ? setTimeout(() => void context.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined), TYPING_AFTER_MS) : undefined;
      outcome = await this.step(address, loading, { input, typed: activity.text, eventFor, at, reference: () => TurnContext.getConversationReference(activity) }, log);
    } catch (err) {
      clearTimeout(typing);
      const reference = randomUUID().slice(0, 8);
      log.error({ reference, err: describe(err) }, 'turn failed');
      await this.noteFailure(address, reference).catch(() => undefined);
      outcome = { replies: [{ key: 'system.error', params: { reference }, choices: ['menu.choices.agent'] }], language: DEFAULT_LANGUAGE };
    }
    clearTimeout(typing);
    const t = this.deps.translator.forLanguage(outcome.language);
    if (outcome.replies.length > 0) await context.sendActivities(renderReplies(outcome.replies, t, activity.channelId));
    // Only a hub is told of a handoff: on a customer's channel the event would hand them the transcript and our internals.
    if (outcome.handedOff !== undefined && fromHub) await context.sendActivity(handoffInitiation(context, outcome.handedOff, t));
    if ((outcome.sensitive || cardSecret !== undefined || PersonalDataGuard.isSensitive(input)) && activity.id !== undefined) {
      // Best effort and not awaited: many channels cannot delete a customer's message, and the
      // connector's retries must neither fail nor slow the turn.
      context.deleteActivity(activity.id).catch(() => log.debug('channel could not delete a sensitive message'));
    }
  }

  /**
   * An agent gives the conversation back: to the step the customer was at, to the menu, or
   * closed. Returns what to send the customer, proactively, or undefined when no agent had it.
   */
  async handBack(id: string, mode: HandBackMode, agentId: string): Promise<HandedBack | undefined> {
    const address = addressOf(id);
    if (address === undefined) return undefined;
    const at = this.deps.clock();
    // Like a turn: a racing customer message is caught by the compare-and-set save, and this is replayed.
    return this.deps.store.update(address, async (conversation) => {
      if (conversation?.handoff === undefined) return undefined;
      const step = mode === 'resume' ? await this.resume(conversation.flow, conversation.handoff.resumePrompt, at) : await this.deps.flow.step(conversation.flow, () => ({ type: 'RESTART', at }));
      const replies: Reply[] = mode === 'resume' ? [{ key: 'handoff.resumed' }, ...step.replies] : mode === 'menu' ? [{ key: 'handoff.backToMenu' }, ...step.replies] : [{ key: 'handoff.closed' }];
      return {
        next: { conversation: { flow: step.persisted, lastTurnAt: at }, lines: [{ from: 'system', key: `handoff.ended.${mode}`, at, agentId }, ...optional(botEntry(replies, at))] },
        result: { reference: conversation.handoff.reference, language: conversation.handoff.language, replies },
      };
    });
  }

  /** Steps the flow (or routes to the agent) and saves; a turn that lost a race is replayed once on fresh state. */
  private async step(address: StateAddress, firstLoad: Promise<LoadedState>, turn: TurnInput, log: Logger): Promise<TurnOutcome> {
    for (let attempt = 1; ; attempt++) {
      const loaded = attempt === 1 ? await firstLoad : await this.deps.store.load(address);
      const issuances = this.deps.issuances?.attempt(address.conversationKey);
      let planned: PlannedTurn | undefined;
      try {
        planned = await this.plan(address, loaded, turn, issuances);
        await this.deps.store.save(address, loaded, { conversation: planned.conversation, lines: planned.lines, language: planned.language });
      } catch (err) {
        const replayed = err instanceof StateConflictError;
        // A certificate this attempt issued will not reach the customer: it is revoked now (or,
        // with Redis gone too, once its lease lapses), and a failed turn's customer hears of it next turn.
        await issuances?.abandon({ tellNextTurn: !replayed }).catch((e: unknown) => log.error({ err: describe(e) }, 'abandoned issuance not settled'));
        if (!replayed) throw err;
        log.warn({ attempt }, 'concurrent turn detected');
        if (attempt >= 2) return { replies: [{ key: 'system.sayAgain' }], language: planned?.language ?? loaded.user?.language ?? DEFAULT_LANGUAGE };
        continue;
      }
      await issuances?.delivered().catch((err: unknown) => log.error({ err: describe(err) }, 'delivered issuance not settled'));
      // The desk hears of it once the state is saved, and a failure there does not undo the turn.
      await planned.afterSave?.().catch((err: unknown) => log.error({ err: describe(err) }, 'agent desk update failed'));
      return {
        replies: planned.replies,
        language: planned.language ?? loaded.user?.language ?? DEFAULT_LANGUAGE,
        sensitive: planned.sensitive,
        handedOff: planned.handedOff,
      };
    }
  }

  private async plan(address: StateAddress, loaded: LoadedState, turn: TurnInput, issuances: TurnIssuances | undefined): Promise<PlannedTurn> {
    const id = handleOf(address.conversationKey, address.userKey);
    const previous = loaded.conversation;
    const language = loaded.user?.language ?? DEFAULT_LANGUAGE;
    if (previous?.handoff !== undefined) {
      const routed = await customerMessageDuringHandoff(this.deps.handoff, { id, conversation: previous, handoff: previous.handoff, event: turn.input, typed: turn.typed, at: turn.at });
      if (!routed.resumeFlow) return { conversation: { ...routed.conversation, lastTurnAt: turn.at }, lines: routed.lines ?? [], replies: routed.replies, afterSave: routed.afterSave };
      const back = await this.resume(previous.flow, previous.handoff.resumePrompt, turn.at);
      const replies = [...routed.replies, ...back.replies];
      return {
        conversation: { ...routed.conversation, flow: back.persisted, lastTurnAt: turn.at },
        lines: [...(routed.lines ?? []), ...optional(botEntry(replies, turn.at))],
        replies,
        afterSave: routed.afterSave,
      };
    }
    const lastTurnAt = previous?.lastTurnAt;
    const idleSince = lastTurnAt !== undefined && turn.at - lastTurnAt > this.deps.flowIdleMs ? lastTurnAt : undefined;
    let sent: FlowEvent | undefined;
    const step = await this.deps.flow.step(previous?.flow, (awaitingSecret) => (sent = turn.eventFor(awaitingSecret)), { idleSince, issuances });
    // Issuance only ever runs from a password step, so only a turn there can follow one that was interrupted.
    const interrupted = step.receivedSecret && (await issuances?.interrupted());
    const said = customerEntry(sent ?? turn.input, { secretStep: step.receivedSecret, typed: turn.typed }, turn.at);
    const base: PlannedTurn = {
      conversation: { flow: step.persisted, lastTurnAt: turn.at },
      lines: [],
      replies: interrupted ? [{ key: 'issuance.interrupted' }, ...step.replies] : step.replies,
      language: step.language,
      sensitive: step.receivedSecret,
    };
    // The transcript is read only when a person is asked for: the question to come back to, and what the agent or hub is shown.
    const planned = step.handoff === undefined ? base : await this.planHandoff(id, base, step, { ...turn, language: step.language ?? language, earlier: await this.deps.store.transcript(address) });
    return { ...planned, lines: [said, ...optional(botEntry(planned.replies, turn.at))] };
  }

  private async planHandoff(id: string, base: PlannedTurn, step: FlowStep, turn: TurnInput & { language: Language; earlier: readonly TranscriptEntry[] }): Promise<PlannedTurn> {
    const prompt = lastPrompt(turn.earlier);
    const begun = await beginHandoff(this.deps.handoff, {
      id,
      conversation: base.conversation,
      reason: reasonFor(step.handoff ?? 'customerAsked', turn.earlier),
      position: step.position,
      reference: turn.reference(),
      language: turn.language,
      resumePrompt: prompt,
      at: turn.at,
    });
    if ('outOfHours' in begun) {
      // The customer stays with the bot: back to the question they were at (or the menu after an offer).
      const back = await this.resume(step.persisted, prompt, turn.at);
      return { ...base, conversation: { ...base.conversation, flow: back.persisted }, replies: [...base.replies, ...begun.replies, ...back.replies] };
    }
    const handoff = begun.conversation.handoff;
    return {
      ...base,
      conversation: begun.conversation,
      replies: [...base.replies, ...begun.replies],
      afterSave: begun.afterSave,
      handedOff: handoff && { handoff, transcript: turn.earlier },
    };
  }

  /** Back from a person (or an offer of one) to the step the customer was at; a step that says nothing on resuming repeats its question. */
  private async resume(flow: PersistedFlow, prompt: readonly Reply[], at: number): Promise<{ persisted: PersistedFlow; replies: readonly Reply[] }> {
    const back = await this.deps.flow.step(flow, () => RESUME_EVENT(at));
    return { persisted: back.persisted, replies: back.replies.length > 0 ? back.replies : prompt };
  }

  /**
   * `handoff.status` from the external hub: accepted, completed (back to the bot) or failed (offer
   * the bot again). Obeyed only on a hub channel, never from a customer's own client, and audited either way.
   */
  private async onHubStatus(context: TurnContext, state: HubState, log: Logger): Promise<void> {
    const activity = context.activity;
    const address = stateAddress(activity.channelId, activity.conversation.id, activity.from.id);
    const id = handleOf(address.conversationKey, address.userKey);
    const at = this.deps.clock();
    const fromHub = this.deps.hub.channels.includes(activity.channelId);
    const audited = this.deps.hub.audit.record({ action: 'hubStatus', agentId: 'hub', conversation: id, at, channel: activity.channelId, state, outcome: fromHub ? 'applied' : 'refused' });
    await audited.catch((err: unknown) => log.error({ err: describe(err) }, 'hub event not audited'));
    if (!fromHub) {
      log.warn({ state }, 'handoff.status from a channel that is not a hub refused');
      return;
    }
    try {
      if (state === 'accepted') {
        await this.deps.store.update(address, (c) => (c?.handoff ? { next: { conversation: { ...c, handoff: { ...c.handoff, status: 'external' } } }, result: true } : undefined));
        await this.deps.handoff.board.get(id).then((s) => s && this.deps.handoff.board.put({ ...s, status: 'external' }));
        return;
      }
      if (state !== 'completed' && state !== 'failed') return;
      const back = await this.handBack(id, 'resume', 'hub');
      await this.deps.handoff.board.remove(id);
      await this.deps.handoff.events.publish({ type: 'queueChanged' });
      if (back === undefined) return;
      const replies: readonly Reply[] = state === 'failed' ? [{ key: 'handoff.failed' }, ...back.replies.slice(1)] : back.replies;
      await context.sendActivities(renderReplies(replies, this.deps.translator.forLanguage(back.language), activity.channelId));
    } catch (err) {
      log.error({ err: describe(err), state, at }, 'handoff status not applied');
    }
  }

  /** Best effort: a request for a person right after our failure is handed off as that failure. */
  private async noteFailure(address: StateAddress, reference: string): Promise<void> {
    const at = this.deps.clock();
    await this.deps.store.note(address, [{ from: 'system', key: 'system.error', at, reference }]);
  }
}

/**
 * While a password is awaited, a message with a digit is the password as typed, even if it
 * looks like a command ("Help#2026x"); a valid password has digits, so a bare "취소" still cancels.
 * Where the channel shows the password card, only the card's masked field may carry it.
 */
function asSecret(activity: Activity, cardSecret: string | undefined, recognized: RecognizedInput | ProtectedInput): RecognizedInput | ProtectedInput {
  if (cardSecret !== undefined) return { type: 'TEXT', text: cardSecret };
  const text = activity.text;
  if (text === undefined || !/\d/.test(text)) return recognized;
  return capabilitiesOf(activity.channelId).adaptiveCards ? { type: 'SECRET_TYPED' } : { type: 'TEXT', text };
}

/** Errors are logged by name and message only; ours never carry customer input. */
function describe(err: unknown): { name: string; message: string; stack?: string } {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'NonError', message: String(err) };
}

const optional = <T>(value: T | undefined): T[] => (value === undefined ? [] : [value]);

/** The hub's handoff.status event, if this is one; its state (accepted, completed, failed, or unknown). */
function handoffStatusOf(activity: Activity): HubState | undefined {
  if (activity.type !== ActivityTypes.Event || activity.name !== HandoffEventNames.HandoffStatus) return undefined;
  const value: unknown = activity.value;
  const state = HubStates.safeParse(typeof value === 'object' && value !== null && 'state' in value ? (value as { state: unknown }).state : undefined);
  return state.success ? state.data : 'unknown';
}

/** handoff.initiate for an external hub (Omnichannel, LivePerson): context and a redacted transcript. */
function handoffInitiation(context: TurnContext, handedOff: HandedOff, t: TFunction): Partial<Activity> {
  const { handoff, transcript } = handedOff;
  const activities = renderTranscript(transcript, t).map(
    (line): Partial<Activity> => ({ type: ActivityTypes.Message, text: line.text, timestamp: new Date(line.at), from: { id: line.from, name: line.from, role: line.from === 'customer' ? 'user' : 'bot' } }),
  );
  return EventFactory.createHandoffInitiation(
    context,
    { journey: handoff.journey, step: handoff.step, maskedName: handoff.maskedName, reason: handoff.reason, language: handoff.language },
    { activities: activities as Activity[] },
  );
}
