import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Language, ProtectedInput, RecognizedInput } from '../../dialogs/contract/events';
import type { HandoffReason, Reply } from '../../dialogs/contract/replies';
import { addressOfKeys, ConversationDoc, StateAddress } from '../state/conversationStore';
import { parseStored } from '../state/storedJson';
import type { HandoffBoard, HandoffSummary } from './handoffBoard';
import type { DeskEvents } from './handoffEvents';
import type { HandoffRecord, StoredConversationReference } from '../state/handoffRecord';
import type { TranscriptEntry } from '../state/transcriptEntry';
import type { HandBackMode, HubState } from './handoffAudit';
import { customerEntry } from './transcript';

/** Where the customer is, for an agent: the journey, the step in it, and the masked name once given. */
export interface FlowPosition {
  readonly journey: string;
  readonly step: string;
  readonly maskedName?: string;
}

/** Work for after the state is saved: told to the desk once, not once per retried attempt. */
export type AfterSave = () => Promise<void>;

export interface HandoffTurnDependencies {
  readonly board: HandoffBoard;
  readonly events: DeskEvents;
}

/** The conversation's handle on the agent desk: which state documents it is. */
export function deskHandleOf(address: StateAddress): string {
  return Buffer.from(JSON.stringify([address.conversationKey, address.userKey])).toString('base64url');
}

/** The state documents a desk handle names, if it is one of ours. */
export function addressOfDeskHandle(handle: string): StateAddress | undefined {
  const keys = parseStored(DeskHandle, Buffer.from(handle, 'base64url').toString('utf8'));
  return keys && addressOfKeys(...keys);
}

const DeskHandle = z.tuple([z.string(), z.string()]);

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
  /** The conversation is back with the bot: the flow goes on with this event (RESUME: at its step; RESTART: at the menu). */
  readonly backToBot?: 'RESUME' | 'RESTART';
}

/**
 * A customer message while the conversation waits for or is with a person: it goes to the agent,
 * redacted, not to the flow; 취소 takes the customer back to the bot.
 */
export async function customerMessageDuringHandoff(
  deps: HandoffTurnDependencies,
  input: {
    readonly id: string;
    readonly conversation: ConversationDoc;
    readonly handoff: HandoffRecord;
    readonly event: RecognizedInput | ProtectedInput;
    readonly typed?: string;
    readonly at: number;
  },
): Promise<HandoffTurn> {
  const { id, conversation, handoff, event, at } = input;
  const said = customerEntry(event, input.typed, at);
  if (event.type === 'CANCEL') {
    return {
      conversation: { ...conversation, handoff: undefined },
      lines: [said, { from: 'system', key: 'handoff.customerLeft', at }],
      replies: [{ key: 'handoff.cancelled' }],
      backToBot: 'RESUME',
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

/** Queues the conversation for an agent (the flow asked for one within service hours). */
export async function beginHandoff(
  deps: HandoffTurnDependencies,
  input: {
    readonly id: string;
    readonly conversation: ConversationDoc;
    readonly reason: HandoffReason;
    readonly position: FlowPosition;
    readonly reference: Partial<ConversationReference>;
    readonly language: Language;
    readonly at: number;
  },
): Promise<HandoffTurn> {
  const handoff: HandoffRecord = {
    status: 'queued',
    reason: input.reason,
    queuedAt: input.at,
    reference: storedReference(input.reference),
    language: input.language,
    journey: input.position.journey,
    step: input.position.step,
    maskedName: input.position.maskedName,
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

const HAND_BACK_REPLIES: Readonly<Record<HandBackMode, Reply>> = {
  resume: { key: 'handoff.resumed' },
  menu: { key: 'handoff.backToMenu' },
  close: { key: 'handoff.closed' },
};

/**
 * A person gives the conversation back: an agent (to the step, to the menu, or closed) or the hub
 * (completed: to the step; failed: to the step, with the bot offered again). The handoff is
 * cleared, and the flow goes on with `backToBot`.
 */
export function handingBack(
  deps: HandoffTurnDependencies,
  input: { id: string; conversation: ConversationDoc; mode: HandBackMode; by: string; at: number; failed?: boolean },
): HandoffTurn {
  const { id, conversation, mode, at } = input;
  return {
    conversation: { ...conversation, handoff: undefined },
    lines: [{ from: 'system', key: `handoff.ended.${mode}`, at, agentId: input.by }],
    replies: [input.failed ? { key: 'handoff.failed' } : (HAND_BACK_REPLIES[mode] ?? { key: 'handoff.resumed' })],
    backToBot: mode === 'resume' ? 'RESUME' : mode === 'menu' ? 'RESTART' : undefined,
    afterSave: async () => {
      await deps.board.remove(id);
      await deps.events.publish({ type: 'queueChanged' });
    },
  };
}

/** The hub's handoff.status: `accepted` marks the conversation as the hub's; `completed` and `failed` give it back. */
export function hubStatusTurn(
  deps: HandoffTurnDependencies,
  input: { id: string; conversation: ConversationDoc; handoff: HandoffRecord; state: HubState; at: number },
): HandoffTurn | undefined {
  const { id, conversation, handoff, at } = input;
  if (input.state === 'accepted') {
    return {
      conversation: { ...conversation, handoff: { ...handoff, status: 'external' } },
      replies: [],
      afterSave: async () => {
        const summary = await deps.board.get(id);
        if (summary !== undefined) await deps.board.put({ ...summary, status: 'external' });
      },
    };
  }
  if (input.state !== 'completed' && input.state !== 'failed') return undefined;
  return handingBack(deps, { id, conversation, mode: 'resume', by: 'hub', at, failed: input.state === 'failed' });
}
