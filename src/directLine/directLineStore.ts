import { ExpiringMap } from '../state/expiringMap';

/** One Direct Line conversation: whom its tokens bind, and whether the bot was told it started. */
export interface ConversationRecord {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly started: boolean;
  /** The bank's app's session ends then (epoch ms): no token of this conversation lives longer. */
  readonly sessionEndsAt?: number;
  /** The app's signed-in customer, sealed (see AppCustomers). */
  readonly customer?: string;
}

/** What a new conversation is made of; `started` comes later. */
export type NewConversation = Omit<ConversationRecord, 'started'>;

/** An activity as clients receive it; `id` is `<conversationId>|<7-digit sequence>`. */
export type StoredActivity = Record<string, unknown> & { readonly id: string };

export interface ActivityPage {
  readonly activities: StoredActivity[];
  /** The sequence of the last activity returned, or the one asked for when there is nothing newer. */
  readonly watermark: number;
}

/**
 * Conversations and their activity logs, with an idle expiry refreshed on every write. Redis
 * (shared, so a client may reconnect to any instance) or memory (one local process); same contract.
 */
export interface DirectLineStore {
  create(conversation: NewConversation): Promise<void>;
  get(id: string): Promise<ConversationRecord | undefined>;
  /** Ends the conversation at once, its log with it (the app's customer signed out). */
  remove(id: string): Promise<void>;
  /** True for the one caller that starts it (the bot hears of a conversation once); false if started or gone. */
  markStarted(id: string): Promise<boolean>;
  /** Keeps a conversation alive without writing to it (a reconnect, a token refresh). */
  touch(id: string): Promise<void>;
  /** Logs an activity under the next sequence number; undefined when the conversation is gone. */
  append(id: string, activity: Record<string, unknown>): Promise<StoredActivity | undefined>;
  /** Activities after the watermark, oldest first. */
  read(id: string, after: number): Promise<ActivityPage>;
  /** Rewrites one logged activity (redaction on delete, the bot's update); false when it is not (or no longer) logged. */
  replace(id: string, activityId: string, change: (activity: StoredActivity) => Record<string, unknown>): Promise<boolean>;
}

/** How many activities a conversation keeps; a client further behind gets the newest ones. */
export const KEPT_ACTIVITIES = 500;

export function activityIdOf(conversationId: string, sequence: number): string {
  return `${conversationId}|${String(sequence).padStart(7, '0')}`;
}

/** The sequence in one of this conversation's activity ids, or undefined for anyone else's. */
export function sequenceOf(conversationId: string, activityId: string): number | undefined {
  const separator = activityId.lastIndexOf('|');
  if (activityId.slice(0, separator) !== conversationId) return undefined;
  const digits = activityId.slice(separator + 1);
  return /^\d{1,15}$/.test(digits) ? Number(digits) : undefined;
}

interface MemoryConversation {
  record: ConversationRecord;
  sequence: number;
  /** JSON, so what a caller holds can never change what is stored. */
  log: { sequence: number; json: string }[];
}

/** For a single local process: nothing survives a restart, and no other instance sees it. */
export class MemoryDirectLineStore implements DirectLineStore {
  private readonly conversations: ExpiringMap<string, MemoryConversation>;

  constructor(ttlSeconds: number, clock: () => number = Date.now) {
    this.conversations = new ExpiringMap({ ttlSeconds, now: clock });
  }

  async create(conversation: NewConversation): Promise<void> {
    this.conversations.set(conversation.id, { record: { ...conversation, started: false }, sequence: 0, log: [] });
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    return this.conversations.get(id)?.record;
  }

  async remove(id: string): Promise<void> {
    this.conversations.delete(id);
  }

  async markStarted(id: string): Promise<boolean> {
    const conversation = this.conversations.get(id);
    if (conversation === undefined || conversation.record.started) return false;
    conversation.record = { ...conversation.record, started: true };
    this.conversations.renew(id);
    return true;
  }

  async touch(id: string): Promise<void> {
    this.conversations.renew(id);
  }

  async append(id: string, activity: Record<string, unknown>): Promise<StoredActivity | undefined> {
    const conversation = this.conversations.get(id);
    if (conversation === undefined) return undefined;
    const sequence = ++conversation.sequence;
    const stored = { ...activity, id: activityIdOf(id, sequence) };
    conversation.log.push({ sequence, json: JSON.stringify(stored) });
    if (conversation.log.length > KEPT_ACTIVITIES) conversation.log.splice(0, conversation.log.length - KEPT_ACTIVITIES);
    this.conversations.renew(id);
    return JSON.parse(JSON.stringify(stored)) as StoredActivity;
  }

  async read(id: string, after: number): Promise<ActivityPage> {
    const newer = (this.conversations.get(id)?.log ?? []).filter((entry) => entry.sequence > after);
    return { activities: newer.map((entry) => JSON.parse(entry.json) as StoredActivity), watermark: newer.at(-1)?.sequence ?? after };
  }

  async replace(id: string, activityId: string, change: (activity: StoredActivity) => Record<string, unknown>): Promise<boolean> {
    const sequence = sequenceOf(id, activityId);
    const entry = this.conversations.get(id)?.log.find((e) => e.sequence === sequence);
    if (entry === undefined) return false;
    entry.json = JSON.stringify({ ...change(JSON.parse(entry.json) as StoredActivity), id: activityId });
    return true;
  }
}
