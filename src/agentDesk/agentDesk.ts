import type { Activity } from 'botbuilder';
import type { Reply } from '../../dialogs/contract/replies';
import type { HandedBack } from '../bot/certificateBot';
import { renderReplies } from '../bot/render/replyRenderer';
import type { HandoffBoard, HandoffSummary } from '../handoff/handoffBoard';
import type { DeskEvents } from '../handoff/handoffEvents';
import type { HandoffRecord, StoredConversationReference } from '../state/handoffRecord';
import type { TranscriptEntry } from '../state/transcriptEntry';
import { addressOfDeskHandle, summaryOf } from '../handoff/handoffTurns';
import { RenderedLine, renderTranscript } from '../handoff/transcript';
import type { Translator } from '../i18n/translator';
import type { Logger } from '../logging/logger';
import type { ConversationStore } from '../state/conversationStore';
import type { HandBackMode, HandoffAudit } from '../handoff/handoffAudit';
import type { DeskScope } from './deskScope';
import type { StaffAccess, StaffAccessLog } from './staffAccessLog';
import type { Metrics } from '../metrics/metrics';

/** Sends activities to a customer outside their turn, through the stored conversation reference. */
export interface ProactiveMessenger {
  send(reference: StoredConversationReference, activities: Partial<Activity>[]): Promise<void>;
}

export interface AgentDeskDependencies {
  readonly store: ConversationStore;
  readonly board: HandoffBoard;
  readonly events: DeskEvents;
  readonly messenger: ProactiveMessenger;
  readonly translator: Translator;
  readonly audit: HandoffAudit;
  /** Every opening of a transcript: who, what, when and why. */
  readonly access: StaffAccessLog;
  /** Which conversations each agent may see. */
  readonly scope: DeskScope;
  readonly logger: Logger;
  readonly clock: () => number;
  /** The bot takes the conversation back (at the step, at the menu, or closed). */
  readonly handBack: (id: string, mode: HandBackMode, agentId: string) => Promise<HandedBack | undefined>;
  /** Where the time a customer waited for an agent is counted; nowhere unless given. */
  readonly metrics?: Pick<Metrics, 'handoffTaken'>;
}

/** What an agent sees of a conversation: its summary, the redacted transcript in the customer's language, and the notes. */
export interface ConversationView extends HandoffSummary {
  readonly transcript: readonly RenderedLine[];
}

export type DeskOutcome<T> = { ok: true; value: T } | { ok: false; error: 'notFound' | 'alreadyTaken' | 'notYours' | 'customerLeft' };

/**
 * The agents' side of a handoff: take a queued conversation, reply, transfer, hand back or close.
 * Every change goes through the conversation's own state (compare-and-set), then the board, the
 * live events and the audit; the customer hears from us through the stored reference.
 */
export class AgentDesk {
  constructor(private readonly deps: AgentDeskDependencies) {}

  /** The queue and the agent's own conversations; for a supervisor also everyone else's (`others`). */
  async queue(agentId: string): Promise<{ waiting: HandoffSummary[]; mine: HandoffSummary[]; others?: HandoffSummary[] }> {
    const all = await this.deps.board.list();
    const waiting = all.filter((s) => s.status === 'queued');
    const mine = all.filter((s) => s.status !== 'queued' && s.agentId === agentId);
    if (!this.deps.scope.isSupervisor(agentId)) return { waiting, mine };
    return { waiting, mine, others: all.filter((s) => s.status !== 'queued' && s.agentId !== agentId) };
  }

  /** A queued conversation, or one the agent holds; supervisors may view any. */
  async view(id: string, agentId: string): Promise<DeskOutcome<ConversationView>> {
    const summary = await this.deps.board.get(id);
    const address = addressOfDeskHandle(id);
    if (summary === undefined || address === undefined) return { ok: false, error: 'notFound' };
    if (!this.deps.scope.maySee(summary, agentId)) return { ok: false, error: 'notYours' };
    const why = summary.status === 'queued' ? 'queued' : summary.agentId === agentId ? 'assigned' : 'supervision';
    return { ok: true, value: await this.transcriptOf(summary, address, agentId, why) };
  }

  /** The summary with its transcript, the opening logged first: nobody reads a transcript unrecorded. */
  private async transcriptOf(
    summary: HandoffSummary,
    address: NonNullable<ReturnType<typeof addressOfDeskHandle>>,
    agentId: string,
    why: StaffAccess['why'],
  ): Promise<ConversationView> {
    await this.deps.access.record({
      at: new Date(this.deps.clock()),
      staffId: agentId,
      conversationId: summary.id,
      what: 'transcript',
      why,
    });
    const t = this.deps.translator.forLanguage(summary.language);
    return { ...summary, transcript: renderTranscript(await this.deps.store.transcript(address), t) };
  }

  async take(id: string, agentId: string): Promise<DeskOutcome<ConversationView>> {
    const at = this.deps.clock();
    const changed = await this.change(
      id,
      (handoff) => (handoff.status === 'queued' ? { ...handoff, status: 'withAgent', agentId, takenAt: at } : 'alreadyTaken'),
      {
        from: 'system',
        key: 'handoff.taken',
        at,
        agentId,
      },
    );
    if (!changed.ok) return changed;
    this.deps.metrics?.handoffTaken(changed.value.reason, (at - changed.value.queuedAt) / 1000);
    await this.updateBoard(id, changed.value, {});
    await this.deps.audit.record({ action: 'take', agentId, conversation: id, at });
    await this.tell(changed.value, [{ key: 'handoff.agentJoined' }]);
    return this.view(id, agentId);
  }

  async reply(id: string, agentId: string, text: string): Promise<DeskOutcome<TranscriptEntry>> {
    const at = this.deps.clock();
    const entry: TranscriptEntry = { from: 'agent', text, at, agentId };
    const changed = await this.change(
      id,
      (handoff) => (handoff.agentId === agentId && handoff.status === 'withAgent' ? handoff : 'notYours'),
      entry,
    );
    if (!changed.ok) return changed;
    // That the agent wrote, not what: the words stay in the transcript, whose retention is shorter.
    await this.deps.audit.record({ action: 'reply', agentId, conversation: id, at });
    await this.tell(changed.value, [{ key: 'handoff.agentSays', params: { text } }]);
    await this.deps.events.publish({ type: 'message', id, entry });
    return { ok: true, value: entry };
  }

  async transfer(id: string, agentId: string, to: string, note: string): Promise<DeskOutcome<null>> {
    const at = this.deps.clock();
    const changed = await this.change(
      id,
      (handoff) => (handoff.agentId === agentId && handoff.status === 'withAgent' ? { ...handoff, agentId: to } : 'notYours'),
      {
        from: 'system',
        key: 'handoff.transferredTo',
        at,
        agentId: to,
      },
    );
    if (!changed.ok) return changed;
    const previous = await this.deps.board.get(id);
    await this.updateBoard(id, changed.value, { notes: [...(previous?.notes ?? []), { from: agentId, text: note, at }] });
    await this.deps.audit.record({ action: 'transfer', agentId, conversation: id, at, to, note });
    await this.deps.events.publish({ type: 'transferred', id, from: agentId, to });
    await this.tell(changed.value, [{ key: 'handoff.transferred' }]);
    return { ok: true, value: null };
  }

  /** Hand back to the bot (at the step, or the menu), or close; a conversation the customer left is only cleared. */
  async end(id: string, agentId: string, mode: HandBackMode): Promise<DeskOutcome<null>> {
    const summary = await this.deps.board.get(id);
    if (summary === undefined) return { ok: false, error: 'notFound' };
    if (summary.agentId !== agentId) return { ok: false, error: 'notYours' };
    const at = this.deps.clock();
    if (!summary.customerLeft) {
      const back = await this.deps.handBack(id, mode, agentId);
      if (back !== undefined) await this.send(back.reference, back.language, back.replies);
    }
    await this.deps.board.remove(id);
    await this.deps.audit.record({ action: 'end', agentId, conversation: id, at, mode });
    await this.deps.events.publish({ type: 'ended', id, agentId });
    await this.deps.events.publish({ type: 'queueChanged' });
    return { ok: true, value: null };
  }

  /** Changes the handoff in the conversation's state, with a transcript line; the answer names why not. */
  private async change(
    id: string,
    next: (handoff: HandoffRecord) => HandoffRecord | 'alreadyTaken' | 'notYours',
    entry: TranscriptEntry,
  ): Promise<DeskOutcome<HandoffRecord>> {
    const address = addressOfDeskHandle(id);
    if (address === undefined) return { ok: false, error: 'notFound' };
    let refusal: 'alreadyTaken' | 'notYours' | 'customerLeft' | undefined;
    const changed = await this.deps.store.update(address, (conversation) => {
      const handoff = conversation?.handoff;
      if (conversation === undefined || handoff === undefined) {
        refusal = 'customerLeft';
        return undefined;
      }
      const updated = next(handoff);
      if (typeof updated === 'string') {
        refusal = updated;
        return undefined;
      }
      return { next: { conversation: { ...conversation, handoff: updated }, lines: [entry] }, result: updated };
    });
    if (changed === undefined) return { ok: false, error: refusal ?? 'notFound' };
    return { ok: true, value: changed };
  }

  private async updateBoard(id: string, handoff: HandoffRecord, extra: Partial<HandoffSummary>): Promise<void> {
    const previous = await this.deps.board.get(id);
    await this.deps.board.put({
      ...summaryOf(id, handoff, { lastCustomerAt: previous?.lastCustomerAt, notes: previous?.notes ?? [] }),
      ...extra,
    });
    await this.deps.events.publish({ type: 'queueChanged' });
  }

  private tell(handoff: HandoffRecord, replies: readonly Reply[]): Promise<void> {
    return this.send(handoff.reference, handoff.language, replies);
  }

  private async send(
    reference: StoredConversationReference,
    language: HandoffRecord['language'],
    replies: readonly Reply[],
  ): Promise<void> {
    const activities = renderReplies(replies, this.deps.translator.forLanguage(language), reference.channelId);
    try {
      await this.deps.messenger.send(reference, activities);
    } catch (err) {
      // The state already has it; a channel that cannot take proactive messages must not undo the agent's action.
      this.deps.logger.error(
        { err: err instanceof Error ? { name: err.name, message: err.message } : String(err) },
        'proactive message failed',
      );
    }
  }
}
