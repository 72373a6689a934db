import { z } from 'zod';

/** How an agent ends a conversation: back to the flow's step, back to the menu, or closed. */
export const HAND_BACK_MODES = ['resume', 'menu', 'close'] as const;
export type HandBackMode = (typeof HAND_BACK_MODES)[number];

/** The states a hub's handoff.status may carry; anything else is recorded as `unknown`. */
export const HubStates = z.enum(['accepted', 'completed', 'failed', 'unknown']);
export type HubState = z.infer<typeof HubStates>;

/**
 * Who took, answered, transferred or ended which conversation, and when, and every hub event (obeyed or
 * refused). Notes are agents' words, kept for supervisors.
 */
export const HandoffAuditRecordSchema = z.object({
  action: z.enum(['take', 'reply', 'transfer', 'end', 'hubStatus']),
  agentId: z.string(),
  conversation: z.string(),
  at: z.number(),
  to: z.string().optional(),
  note: z.string().optional(),
  mode: z.enum(HAND_BACK_MODES).optional(),
  /** hubStatus: the channel it came from, what it asked for, and whether it was obeyed. */
  channel: z.string().optional(),
  state: HubStates.optional(),
  outcome: z.enum(['applied', 'refused']).optional(),
});
export type HandoffAuditRecord = z.infer<typeof HandoffAuditRecordSchema>;

export interface HandoffAudit {
  record(entry: HandoffAuditRecord): Promise<void>;
  /** Newest first. */
  recent(limit: number): Promise<HandoffAuditRecord[]>;
}

const KEEP = 10_000;

export class MemoryHandoffAudit implements HandoffAudit {
  private readonly entries: HandoffAuditRecord[] = [];

  async record(entry: HandoffAuditRecord): Promise<void> {
    this.entries.unshift(entry);
    this.entries.length = Math.min(this.entries.length, KEEP);
  }

  async recent(limit: number): Promise<HandoffAuditRecord[]> {
    return this.entries.slice(0, limit);
  }
}
