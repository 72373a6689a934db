import type { HandoffBoard, HandoffSummary } from '../handoff/handoffBoard';
import type { DeskEvent } from '../handoff/handoffEvents';

/**
 * What an agent may see: the queue, and the conversations they hold. A conversation held by
 * another agent, or by an external hub, is theirs alone. Supervisors (SUPERVISORS) see everything.
 */
export class DeskScope {
  private readonly supervisors: ReadonlySet<string>;
  /**
   * The board entry an event is about, looked up once per event however many streams hear it
   * (every stream of an instance is handed the same event object).
   */
  private readonly lookups = new WeakMap<DeskEvent, Promise<HandoffSummary | undefined>>();

  constructor(
    private readonly board: HandoffBoard,
    supervisors: readonly string[],
  ) {
    this.supervisors = new Set(supervisors);
  }

  isSupervisor(agentId: string): boolean {
    return this.supervisors.has(agentId);
  }

  /** An unknown conversation (gone from the board) is for supervisors only. */
  maySee(summary: HandoffSummary | undefined, agentId: string): boolean {
    if (this.isSupervisor(agentId)) return true;
    return summary !== undefined && (summary.status === 'queued' || (summary.status === 'withAgent' && summary.agentId === agentId));
  }

  /** Whether `agentId`'s page is told of the event. A failed board lookup tells nobody but supervisors. */
  async concerns(event: DeskEvent, agentId: string): Promise<boolean> {
    switch (event.type) {
      case 'signedOut':
        return false;
      case 'queueChanged':
        return true;
      case 'transferred':
        return event.from === agentId || event.to === agentId || this.isSupervisor(agentId);
      case 'ended':
        // Already off the board: the agent who held it, and supervisors.
        return event.agentId === agentId || this.isSupervisor(agentId);
      case 'message':
      case 'customerLeft':
        return this.maySee(await this.summaryOf(event), agentId);
    }
  }

  private summaryOf(event: DeskEvent & { id: string }): Promise<HandoffSummary | undefined> {
    let lookup = this.lookups.get(event);
    if (lookup === undefined) {
      lookup = this.board.get(event.id).catch(() => undefined);
      this.lookups.set(event, lookup);
    }
    return lookup;
  }
}
