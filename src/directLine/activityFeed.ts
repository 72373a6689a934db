import { z } from 'zod';
import type { Broadcast, BroadcastChannel } from '../state/broadcast';

/**
 * Tells the instance holding a conversation's WebSocket that there is something to push:
 * `logged` means "read the log past what you sent" (so a lost or reordered notice loses
 * nothing: the next one catches up) and carries the activity as sent, with its id, since the log
 * keeps only a redacted copy (see loggedCopy.ts); `live` carries an activity that is never logged (typing).
 */
export const FeedMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('logged'), conversationId: z.string(), activity: z.object({ id: z.string() }).passthrough().optional() }),
  z.object({ kind: z.literal('live'), conversationId: z.string(), activity: z.record(z.unknown()) }),
]);
export type FeedMessage = z.infer<typeof FeedMessage>;

/** On one channel for all conversations; each instance hands its sockets their own conversation's messages. */
export type ActivityFeed = Broadcast<FeedMessage>;

export const ACTIVITY_FEED: BroadcastChannel<FeedMessage> = {
  name: 'directline:feed',
  schema: FeedMessage,
  topicOf: (message) => message.conversationId,
};
