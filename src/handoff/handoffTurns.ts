import type { ConversationReference } from 'botbuilder';
import type { FlowEvent, Language, ProtectedInput, RecognizedInput } from '../../dialogs/contract/events';
import type { HandoffReason, Reply } from '../../dialogs/contract/replies';
import type { FlowPosition } from '../bot/flowRunner';
import { addressOfKeys, ConversationDoc, StateAddress } from '../state/conversationStore';
import type { HandoffBoard, HandoffSummary } from './handoffBoard';
import type { DeskEvents } from './handoffEvents';
import type { HandoffRecord, StoredConversationReference, TranscriptEntry } from './handoffRecord';
import type { ServiceHours } from './serviceHours';
import { customerEntry } from './transcript';

/** Work for after the state is saved: told to the desk once, not once per retried attempt. */
export type AfterSave = () => Promise<void>;

export interface HandoffTurnDependencies {
  readonly board: HandoffBoard;
  readonly events: DeskEvents;
  readonly hours: ServiceHours;
}

/** The conversation's handle on the desk: which state documents it is. */
export function handleOf(conversationKey: string, userKey: string): string {
  return Buffer.from(JSON.stringify([conversationKey, userKey])).toString('base64url');
}

export function addressOf(handle: string): StateAddress | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return addressOfKeys(parsed[0], parsed[1]);
    }
  } catch {
    // not a handle of ours
  }
  return undefined;
}

/** The question the customer was last asked (a turn's last reply), to ask again when the flow resumes. */
export function lastPrompt(transcript: readonly TranscriptEntry[] | undefined): Reply[] {
  const last = [...(transcript ?? [])].reverse().find((entry) => entry.from === 'bot');
  const question = last?.from === 'bot' ? last.replies.at(-1) : undefined;
  return question === undefined ? [] : [question];
}

/** A request for a person right after one of our failures is handed off as that failure. */
export function reasonFor(requested: HandoffReason, transcript: readonly TranscriptEntry[] | undefined): HandoffReason {
  const last = transcript?.at(-1);
  return requested === 'customerAsked' && last?.from === 'system' && last.key === 'system.error' ? 'error' : requested;
}

export function storedReference(reference: Partial<ConversationReference>): StoredConversationReference {
  return {
    channelId: reference.channelId ?? '',
    serviceUrl: reference.serviceUrl ?? '',
    conversation: {
      id: reference.conversation?.id ?? '',
      isGroup: reference.conversation?.isGroup,
      conversationType: reference.conversation?.conversationType,
      tenantId: reference.conversation?.tenantId,
    },
    bot: { id: reference.bot?.id ?? '', name: reference.bot?.name },
    user: { id: reference.user?.id ?? '', name: reference.user?.name },
    locale: reference.locale,
  };
}

export function summaryOf(id: string, handoff: HandoffRecord, extra: Partial<HandoffSummary> = {}): HandoffSummary {
  return {
    id,
    status: handoff.status,
    reason: handoff.reason,
    language: handoff.language,
    journey: handoff.journey,
    step: handoff.step,
    maskedName: handoff.maskedName,
    queuedAt: handoff.queuedAt,
    agentId: handoff.agentId,
    notes: [],
    ...extra,
  };
}

/** The outcome of a turn while a person has (or is about to have) the conversation. */
export interface HandoffTurn {
  readonly conversation: ConversationDoc;
  /** Lines for the transcript. */
  readonly lines?: readonly TranscriptEntry[];
  readonly replies: readonly Reply[];
  readonly afterSave: AfterSave;
  /** The flow should go on from its step (the customer left the queue or the agent). */
  readonly resumeFlow?: boolean;
}

/**
 * A customer message while the conversation waits for or is with a person: it goes to the agent,
 * redacted, not to the flow; 취소 takes the customer back to the bot.
 */
export async function customerMessageDuringHandoff(
  deps: HandoffTurnDependencies,
  input: { readonly id: string; readonly conversation: ConversationDoc; readonly handoff: HandoffRecord; readonly event: RecognizedInput | ProtectedInput; readonly typed?: string; readonly at: number },
): Promise<HandoffTurn> {
  const { id, conversation, handoff, event, at } = input;
  const said = customerEntry(event, { secretStep: false, typed: input.typed }, at);
  if (event.type === 'CANCEL') {
    return {
      conversation: { ...conversation, handoff: undefined },
      lines: [said, { from: 'system', key: 'handoff.customerLeft', at }],
      replies: [{ key: 'handoff.cancelled' }],
      resumeFlow: true,
      afterSave: async () => {
        const summary = await deps.board.get(id);
        // An agent who held it sees that the customer left; a queued one simply leaves the queue.
        if (summary?.status === 'withAgent') await deps.board.put({ ...summary, customerLeft: true });
        else await deps.board.remove(id);
        await deps.events.publish({ type: 'customerLeft', id });
        await deps.events.publish({ type: 'queueChanged' });
      },
    };
  }
  const waiting = handoff.status === 'queued' ? await queuePosition(deps.board, id) : undefined;
  return {
    conversation,
    lines: [said],
    replies: waiting === undefined ? [] : [{ key: 'handoff.stillWaiting', params: { position: waiting } }],
    afterSave: async () => {
      const summary = await deps.board.get(id);
      if (summary !== undefined) await deps.board.put({ ...summary, lastCustomerAt: at });
      await deps.events.publish({ type: 'message', id, entry: said });
    },
  };
}

/** Queues the conversation for an agent, or says when agents are available. */
export async function beginHandoff(
  deps: HandoffTurnDependencies,
  input: {
    readonly id: string;
    readonly conversation: ConversationDoc;
    readonly reason: HandoffReason;
    readonly position: FlowPosition;
    readonly reference: Partial<ConversationReference>;
    readonly language: Language;
    readonly resumePrompt: Reply[];
    readonly at: number;
  },
): Promise<HandoffTurn | { readonly outOfHours: true; readonly replies: readonly Reply[] }> {
  if (!deps.hours.isOpen(new Date(input.at))) {
    return { outOfHours: true, replies: [{ key: 'handoff.outOfHours', params: { hours: deps.hours.description } }] };
  }
  const handoff: HandoffRecord = {
    status: 'queued',
    reason: input.reason,
    queuedAt: input.at,
    reference: storedReference(input.reference),
    language: input.language,
    journey: input.position.journey,
    step: input.position.step,
    maskedName: input.position.maskedName,
    resumePrompt: input.resumePrompt,
  };
  const ahead = (await deps.board.list()).filter((s) => s.status === 'queued' && s.id !== input.id).length;
  return {
    conversation: { ...input.conversation, handoff },
    replies: [{ key: 'handoff.queued', params: { position: ahead + 1 } }],
    afterSave: async () => {
      await deps.board.put(summaryOf(input.id, handoff, { lastCustomerAt: input.at }));
      await deps.events.publish({ type: 'queueChanged' });
    },
  };
}

async function queuePosition(board: HandoffBoard, id: string): Promise<number> {
  const queued = (await board.list()).filter((s) => s.status === 'queued');
  const at = queued.findIndex((s) => s.id === id);
  return at < 0 ? queued.length + 1 : at + 1;
}

/** The flow event that takes a conversation back from a person. */
export const RESUME_EVENT = (at: number): FlowEvent => ({ type: 'RESUME', at });
