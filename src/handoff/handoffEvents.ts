import { z } from 'zod';
import type { Broadcast, BroadcastChannel } from '../state/broadcast';
import { TranscriptEntrySchema } from '../state/transcriptEntry';

/** What the desk's streams hear, live, whichever instance it happened on; each page is told only what is in its agent's scope. */
export const DeskEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queueChanged') }),
  z.object({ type: z.literal('message'), id: z.string(), entry: TranscriptEntrySchema }),
  z.object({ type: z.literal('customerLeft'), id: z.string() }),
  z.object({ type: z.literal('transferred'), id: z.string(), from: z.string(), to: z.string() }),
  z.object({ type: z.literal('ended'), id: z.string(), agentId: z.string() }),
  /** A session of this agent ended: their open streams check theirs and close if it was the one. Never sent to a page. */
  z.object({ type: z.literal('signedOut'), agentId: z.string() }),
]);
export type DeskEvent = z.infer<typeof DeskEventSchema>;

/** The desk's events, shared by every instance, so an agent connected to one sees what happens on another. */
export type DeskEvents = Broadcast<DeskEvent>;

export const DESK_EVENTS: BroadcastChannel<DeskEvent> = { name: 'handoff:events', schema: DeskEventSchema };
