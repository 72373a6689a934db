import type Redis from 'ioredis';
import { z } from 'zod';
import { HandoffRecordSchema } from '../state/handoffRecord';
import { parseStored } from '../state/storedJson';

/** What the agent desk lists for each conversation waiting for, or held by, an agent. */
export const HandoffSummarySchema = z.object({
  /** Opaque handle naming the conversation's state (see `deskHandleOf`). */
  id: z.string(),
  status: HandoffRecordSchema.shape.status,
  reason: HandoffRecordSchema.shape.reason,
  language: HandoffRecordSchema.shape.language,
  journey: z.string(),
  step: z.string(),
  maskedName: z.string().optional(),
  queuedAt: z.number(),
  agentId: z.string().optional(),
  lastCustomerAt: z.number().optional(),
  /** The customer went back to the bot (or away) while an agent held the conversation. */
  customerLeft: z.boolean().optional(),
  notes: z.array(z.object({ from: z.string(), text: z.string(), at: z.number() })).default([]),
});
export type HandoffSummary = z.infer<typeof HandoffSummarySchema>;

/**
 * The desk's board of open handoffs, shared by every instance. The conversation's own state is
 * the truth for routing its messages; the board is what agents see and pick from.
 */
export interface HandoffBoard {
  put(summary: HandoffSummary): Promise<void>;
  get(id: string): Promise<HandoffSummary | undefined>;
  remove(id: string): Promise<void>;
  list(): Promise<HandoffSummary[]>;
}

/** How many conversations wait for a person, not yet taken (for every instance: the board is shared). */
export async function queueLength(board: HandoffBoard): Promise<number> {
  return (await board.list()).filter((summary) => summary.status === 'queued').length;
}

export class MemoryHandoffBoard implements HandoffBoard {
  private readonly entries = new Map<string, HandoffSummary>();

  async put(summary: HandoffSummary): Promise<void> {
    this.entries.set(summary.id, summary);
  }

  async get(id: string): Promise<HandoffSummary | undefined> {
    return this.entries.get(id);
  }

  async remove(id: string): Promise<void> {
    this.entries.delete(id);
  }

  async list(): Promise<HandoffSummary[]> {
    return [...this.entries.values()].sort((a, b) => a.queuedAt - b.queuedAt);
  }
}

/** One Redis hash: a field per conversation. */
export class RedisHandoffBoard implements HandoffBoard {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}handoff:board`;
  }

  async put(summary: HandoffSummary): Promise<void> {
    await this.redis.hset(this.key, summary.id, JSON.stringify(summary));
  }

  async get(id: string): Promise<HandoffSummary | undefined> {
    return parseStored(HandoffSummarySchema, await this.redis.hget(this.key, id));
  }

  async remove(id: string): Promise<void> {
    await this.redis.hdel(this.key, id);
  }

  async list(): Promise<HandoffSummary[]> {
    const all = Object.values(await this.redis.hgetall(this.key));
    return all.flatMap((raw) => parseStored(HandoffSummarySchema, raw) ?? []).sort((a, b) => a.queuedAt - b.queuedAt);
  }
}
