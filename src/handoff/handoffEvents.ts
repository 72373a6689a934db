import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import { z } from 'zod';
import { TranscriptEntrySchema } from './handoffRecord';

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

export interface DeskEvents {
  publish(event: DeskEvent): Promise<void>;
  /** Returns the function that stops listening. */
  subscribe(listener: (event: DeskEvent) => void): () => void;
  close(): Promise<void>;
}

export class MemoryDeskEvents implements DeskEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(event: DeskEvent): Promise<void> {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** Redis pub/sub, so an agent connected to one instance sees what happens on another. */
export class RedisDeskEvents implements DeskEvents {
  private readonly local = new MemoryDeskEvents();
  private readonly channel: string;
  /** A subscribed connection can do nothing else, so it is a second one. */
  private readonly subscriber: Redis;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}handoff:events`;
    // Listening from the start: an event published before a page connected is simply not needed,
    // but one published right after must not be lost to a subscription still being set up.
    const subscriber = redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, raw: string) => {
      const event = DeskEventSchema.safeParse(safeJson(raw));
      if (event.success) void this.local.publish(event.data);
    });
    // Our clients fail fast (no offline queue), so subscribe whenever the connection is (again) ready.
    subscriber.on('ready', () => void subscriber.subscribe(this.channel).catch(() => undefined));
  }

  async publish(event: DeskEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
