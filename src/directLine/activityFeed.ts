import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import { z } from 'zod';

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

export interface ActivityFeed {
  publish(message: FeedMessage): Promise<void>;
  /** Returns the function that stops listening. */
  subscribe(conversationId: string, listener: (message: FeedMessage) => void): () => void;
  close(): Promise<void>;
}

export class MemoryActivityFeed implements ActivityFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(message: FeedMessage): Promise<void> {
    this.emitter.emit(message.conversationId, message);
  }

  subscribe(conversationId: string, listener: (message: FeedMessage) => void): () => void {
    this.emitter.on(conversationId, listener);
    return () => this.emitter.off(conversationId, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/**
 * Redis pub/sub on one channel for all conversations (each instance keeps only what its own
 * sockets want). Delivered here directly as well, so local sockets do not wait on Redis, and
 * tagged with this instance's id so the copy coming back from Redis is not delivered twice.
 */
export class RedisActivityFeed implements ActivityFeed {
  private readonly local = new MemoryActivityFeed();
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly subscriber: Redis;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}directline:feed`;
    // A subscribed connection can do nothing else, so it is a second one, listening from the start.
    const subscriber = redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, raw: string) => {
      const envelope = Envelope.safeParse(safeJson(raw));
      if (envelope.success && envelope.data.origin !== this.origin) void this.local.publish(envelope.data.message);
    });
    // Our clients fail fast (no offline queue), so subscribe whenever the connection is (again) ready.
    subscriber.on('ready', () => void subscriber.subscribe(this.channel).catch(() => undefined));
  }

  async publish(message: FeedMessage): Promise<void> {
    await this.local.publish(message);
    await this.redis.publish(this.channel, JSON.stringify({ origin: this.origin, message }));
  }

  subscribe(conversationId: string, listener: (message: FeedMessage) => void): () => void {
    return this.local.subscribe(conversationId, listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
  }
}

const Envelope = z.object({ origin: z.string(), message: FeedMessage });

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
