import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { z } from 'zod';
import { parseStored } from './storedJson';

/** Messages that every instance hears (the agent desk's events, Direct Line's activity feed). */
export interface Broadcast<T> {
  /** Delivers to this instance's listeners at once, then to every other instance's. */
  publish(message: T): Promise<void>;
  /** Hears every message, or only those of one topic (see `BroadcastChannel.topicOf`). Returns the function that stops listening. */
  subscribe(listener: (message: T) => void, topic?: string): () => void;
}

/** A broadcast's channel name (under the key prefix), the schema every message received is checked against, and its topics. */
export interface BroadcastChannel<T> {
  readonly name: string;
  readonly schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** The topic a listener may pick, e.g. a conversation's id, so each listener is told only its own. */
  readonly topicOf?: (message: T) => string;
}

type Listener<T> = (message: T) => void;

/** For a single instance without Redis; also what every instance delivers to its own listeners. */
export class MemoryBroadcast<T> implements Broadcast<T> {
  private readonly everything = new Set<Listener<T>>();
  private readonly byTopic = new Map<string, Set<Listener<T>>>();

  constructor(private readonly channel: Pick<BroadcastChannel<T>, 'topicOf'>) {}

  async publish(message: T): Promise<void> {
    this.deliver(message);
  }

  /** To this instance's listeners only, as they were when the message came. */
  deliver(message: T): void {
    const topic = this.channel.topicOf?.(message);
    const listeners = [...this.everything, ...(topic === undefined ? [] : (this.byTopic.get(topic) ?? []))];
    for (const listener of listeners) listener(message);
  }

  subscribe(listener: Listener<T>, topic?: string): () => void {
    if (topic === undefined) {
      this.everything.add(listener);
      return () => void this.everything.delete(listener);
    }
    const listeners = this.byTopic.get(topic) ?? new Set<Listener<T>>();
    this.byTopic.set(topic, listeners.add(listener));
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.byTopic.delete(topic);
    };
  }
}

/**
 * Redis pub/sub for one instance: it publishes on the shared client and hears every channel on
 * one subscriber connection of its own (a subscribed connection can do nothing else).
 */
export class RedisPubSub {
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, (raw: string) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    // Listening from the start: a message published right after a listener came must not be lost to a subscription still being set up.
    this.subscriber = redis.duplicate();
    this.subscriber.on('message', (channel: string, raw: string) => this.handlers.get(channel)?.(raw));
    // Our clients fail fast (no offline queue), so subscribe whenever the connection is (again) ready.
    this.subscriber.on('ready', () => this.subscribe([...this.handlers.keys()]));
  }

  async publish(name: string, text: string): Promise<void> {
    await this.redis.publish(this.prefix + name, text);
  }

  /** Hands every message on channel `name` to `handler`; one handler per channel. */
  listen(name: string, handler: (raw: string) => void): void {
    const channel = this.prefix + name;
    if (this.handlers.has(channel)) throw new Error(`the channel ${channel} is listened to already`);
    this.handlers.set(channel, handler);
    if (this.subscriber.status === 'ready') this.subscribe([channel]);
  }

  /** Ends the subscriber connection; the shared client is its owner's to close. */
  close(): void {
    this.subscriber.disconnect();
  }

  private subscribe(channels: string[]): void {
    if (channels.length > 0) void this.subscriber.subscribe(...channels).catch(() => undefined);
  }
}

/**
 * A broadcast on Redis pub/sub, so what happens on one instance reaches listeners on all. Delivered
 * here directly as well, so local listeners do not wait on Redis, and tagged with this instance's
 * id so the copy coming back from Redis is not delivered twice.
 */
export class RedisBroadcast<T> implements Broadcast<T> {
  private readonly local: MemoryBroadcast<T>;
  private readonly origin = randomUUID();

  constructor(
    private readonly pubSub: RedisPubSub,
    private readonly channel: BroadcastChannel<T>,
  ) {
    this.local = new MemoryBroadcast(channel);
    const envelope = z.object({ origin: z.string(), message: channel.schema });
    pubSub.listen(channel.name, (raw) => {
      const received = parseStored(envelope, raw);
      if (received !== undefined && received.origin !== this.origin) this.local.deliver(received.message as T);
    });
  }

  async publish(message: T): Promise<void> {
    this.local.deliver(message);
    await this.pubSub.publish(this.channel.name, JSON.stringify({ origin: this.origin, message }));
  }

  subscribe(listener: Listener<T>, topic?: string): () => void {
    return this.local.subscribe(listener, topic);
  }
}
