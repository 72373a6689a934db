import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import type { Logger } from '../logging/logger';
import type { ActivityFeed } from './activityFeed';
import type { AppCustomers } from './appCustomer';
import type { BotGateway } from './botGateway';
import type { ClientActivity } from './directLineSchemas';
import { activityIdOf, ActivityPage, ConversationRecord, DirectLineStore, sequenceOf, StoredActivity } from './directLineStore';
import type { DirectLineTokens } from './directLineTokens';
import { loggedBotActivity, loggedCustomerActivity } from './loggedCopy';

export const CHANNEL_ID = 'directline';

/** Activities a Direct Line client never receives: the bot's traces (the Emulator shows them) and channel bookkeeping. */
const NEVER_DELIVERED = new Set(['trace', 'conversationUpdate', 'invokeResponse', 'delay']);

/** Fields of the bot's activities that address our connector (relatesTo names its URL), never the customer's business. */
const INTERNAL_FIELDS = ['serviceUrl', 'deliveryMode', 'callerId', 'id', 'relatesTo'] as const;

/**
 * Events for a handoff hub (handoff.initiate carries the transcript, the step and our connector's
 * address; handoff.status is the hub's own): the bot should send them only to a hub's channel, and
 * this channel, the customer's own, never logs or delivers one whatever the bot does.
 */
function isHubEvent(activity: Record<string, unknown>): boolean {
  return activity.type === 'event' && typeof activity.name === 'string' && activity.name.startsWith('handoff.');
}

/** The bot refused or failed the turn: the client is told 502, as Direct Line does. */
export class BotFailure extends Error {
  override name = 'BotFailure';
}

/** The conversation expired (or never existed) between the check and the write. */
export class ConversationGone extends Error {
  override name = 'ConversationGone';
}

export interface Grant {
  readonly conversationId: string;
  readonly token: string;
  readonly expiresIn: number;
}

export interface DirectLineServiceDependencies {
  readonly store: DirectLineStore;
  readonly feed: ActivityFeed;
  readonly gateway: BotGateway;
  readonly tokens: DirectLineTokens;
  /** Opens the bank's app's customer kept with a conversation. */
  readonly customers: AppCustomers;
  readonly logger: Logger;
  readonly clock: () => number;
  /** The bot as customers see it in activities' from/recipient. */
  readonly botId: string;
  /** Where the bot's connector client reaches this endpoint; known only once the server listens. */
  readonly connectorUrl: () => string;
}

/**
 * The channel's behaviour, without HTTP: conversations and their tokens, the customer's
 * activities echoed into the log and handed to the bot, the bot's replies logged, and every
 * change announced on the feed so whichever instance holds the customer's socket pushes it.
 */
export class DirectLineService {
  constructor(private readonly deps: DirectLineServiceDependencies) {}

  /**
   * A new conversation bound to one user, not yet started (tokens/generate, or a start with the
   * secret). From the bank's app: its signed-in customer (sealed), and when its session ends.
   */
  async open(userId: string, app: { readonly customer?: string; readonly sessionEndsAt?: number } = {}): Promise<Grant> {
    const id = randomBytes(16).toString('base64url');
    await this.deps.store.create({ id, userId, createdAt: this.deps.clock(), ...app });
    return this.grant(id, userId, app.sessionEndsAt);
  }

  /** The conversation, while it may be used: one whose app session ended is refused like one that is gone. */
  async find(conversationId: string): Promise<ConversationRecord | undefined> {
    const conversation = await this.deps.store.get(conversationId);
    return conversation !== undefined && !this.sessionEnded(conversation) ? conversation : undefined;
  }

  /** The bank's backend ends the conversation (its customer signed out of the app): its tokens open nothing any more. */
  revoke(conversationId: string): Promise<void> {
    return this.deps.store.remove(conversationId);
  }

  /** The customer the bank's app passed for this conversation, while its session lasts. */
  async appIdentityOf(conversationId: string): Promise<VerifiedIdentity | undefined> {
    const sealed = (await this.find(conversationId))?.customer;
    return sealed === undefined ? undefined : this.deps.customers.open(sealed);
  }

  /** A client is still there (reading, reconnecting, refreshing): the conversation does not expire under it. */
  keepAlive(conversationId: string): Promise<void> {
    return this.deps.store.touch(conversationId);
  }

  /** A token for the conversation's user, never outliving the app's session. */
  grant(conversationId: string, userId: string, sessionEndsAt?: number): Grant {
    const { token, expiresIn } = this.deps.tokens.issue(conversationId, userId, sessionEndsAt);
    return { conversationId, token, expiresIn };
  }

  /** Tells the bot the customer joined, once per conversation (membersAdded: the user and the bot, as Direct Line does). */
  async start(conversation: ConversationRecord, locale?: string): Promise<boolean> {
    if (!(await this.deps.store.markStarted(conversation.id))) return false;
    const user = { id: conversation.userId, role: 'user' };
    const update: Record<string, unknown> = {
      ...this.addressing(conversation.id, user),
      type: 'conversationUpdate',
      // Before every logged activity: a redelivery would be recognised by the bot's deduplication.
      id: activityIdOf(conversation.id, 0),
      membersAdded: [user, this.bot()],
      locale,
    };
    // The conversation exists whatever the bot makes of it; the customer's first message is greeted anyway.
    await this.runTurn(conversation.id, update).catch((err: unknown) =>
      this.log(conversation.id).warn({ err: describe(err) }, 'bot failed the conversation start'),
    );
    return true;
  }

  /** The customer's activity: echoed to the log (how Web Chat knows it was sent), then given to the bot. Returns its id. */
  async post(conversation: ConversationRecord, input: ClientActivity): Promise<string> {
    if (!conversation.started) await this.start(conversation, input.locale);
    const user = { id: input.from.id, name: input.from.name, role: 'user' };
    const addressing = this.addressing(conversation.id, user);
    const id = await this.echo(conversation.id, { ...addressing, ...clientFacing(input) });
    await this.runTurn(conversation.id, { ...addressing, ...input, from: user, id });
    return id;
  }

  /** An activity the bot sent outside a turn (an agent's reply), through our connector. Undefined when the conversation is gone. */
  async deliver(conversationId: string, activity: Record<string, unknown>): Promise<string | undefined> {
    if ((await this.deps.store.get(conversationId)) === undefined) return undefined;
    return (await this.record(conversationId, activity)) ?? '';
  }

  read(conversationId: string, after: number): Promise<ActivityPage> {
    return this.deps.store.read(conversationId, after);
  }

  /**
   * The bot deletes a message that carried a secret (주민등록번호, a password, key files).
   * Clients that already have it keep it (Direct Line cannot recall a message), but what it said
   * no longer rests in the log: a client reading it later gets only its shell.
   */
  redact(conversationId: string, activityId: string): Promise<boolean> {
    return this.deps.store.replace(conversationId, activityId, (stored) => redacted(stored));
  }

  /** The bot updates one of its messages: later readers get the new one (connected clients are not told, as on Direct Line). */
  update(conversationId: string, activityId: string, activity: Record<string, unknown>): Promise<boolean> {
    return this.deps.store.replace(conversationId, activityId, () => loggedBotActivity(this.fromBot(conversationId, activity)));
  }

  private sessionEnded(conversation: ConversationRecord): boolean {
    return conversation.sessionEndsAt !== undefined && conversation.sessionEndsAt <= this.deps.clock();
  }

  private async echo(conversationId: string, echo: Record<string, unknown>): Promise<string> {
    const id = await this.toClients(conversationId, echo, loggedCustomerActivity(echo));
    if (id === undefined) throw new ConversationGone();
    return id;
  }

  /** One turn of the bot; its replies logged in order. The activity is JSON as it would arrive over HTTP (timestamps as strings). */
  private async runTurn(conversationId: string, activity: Record<string, unknown>): Promise<void> {
    let replies: Partial<Activity>[];
    const incoming = { ...activity, serviceUrl: this.deps.connectorUrl() } as unknown as Partial<Activity>;
    try {
      replies = await this.deps.gateway.turn(
        incoming,
        (live) => void this.record(conversationId, live as Record<string, unknown>).catch(() => undefined),
      );
    } catch (err) {
      this.log(conversationId).error({ err: describe(err) }, 'bot turn failed');
      throw new BotFailure('bot turn failed');
    }
    // In order, one at a time: the log's order is the order the customer reads them in.
    for (const reply of replies) await this.record(conversationId, reply as Record<string, unknown>);
  }

  /** One of the bot's activities to the customer; the id it got, or undefined for those never delivered. */
  private async record(conversationId: string, activity: Record<string, unknown>): Promise<string | undefined> {
    if (NEVER_DELIVERED.has(String(activity.type)) || isHubEvent(activity)) return undefined;
    const outgoing = this.fromBot(conversationId, activity);
    return this.toClients(conversationId, outgoing, loggedBotActivity(outgoing));
  }

  /**
   * Logs the stored (redacted) copy and announces the activity as sent, for open streams to push
   * (see loggedCopy.ts); undefined when the conversation is gone. Typing is only announced: it
   * travels on streams and is never logged (Direct Line's own rule), so it has no sequence.
   */
  private async toClients(
    conversationId: string,
    activity: Record<string, unknown>,
    stored: Record<string, unknown>,
  ): Promise<string | undefined> {
    if (activity.type === 'typing') {
      const id = `${conversationId}|t${randomBytes(6).toString('base64url')}`;
      await this.announce({ kind: 'live', conversationId, activity: { ...activity, id } });
      return id;
    }
    const logged = await this.deps.store.append(conversationId, stored);
    if (logged === undefined) return undefined;
    await this.announce({ kind: 'logged', conversationId, activity: { ...activity, id: logged.id } });
    return logged.id;
  }

  private fromBot(conversationId: string, activity: Record<string, unknown>): Record<string, unknown> {
    const outgoing: Record<string, unknown> = { ...activity };
    for (const field of INTERNAL_FIELDS) delete outgoing[field];
    if (!repliesToLogged(conversationId, outgoing.replyToId)) delete outgoing.replyToId;
    return {
      ...outgoing,
      type: outgoing.type ?? 'message',
      channelId: CHANNEL_ID,
      conversation: { id: conversationId },
      // Whatever the bot sends is the bot's, a message outside a turn too (its reference's `bot` has no role).
      from: { ...this.bot(), ...(typeof outgoing.from === 'object' ? outgoing.from : {}), role: 'bot' },
      timestamp: outgoing.timestamp ?? new Date(this.deps.clock()).toISOString(),
    };
  }

  private addressing(conversationId: string, from: Record<string, unknown>) {
    return {
      channelId: CHANNEL_ID,
      conversation: { id: conversationId },
      from,
      recipient: this.bot(),
      timestamp: new Date(this.deps.clock()).toISOString(),
    } as const;
  }

  private bot(): { id: string; name: string; role: string } {
    return { id: this.deps.botId, name: this.deps.botId, role: 'bot' };
  }

  /** A feed that fails only delays delivery: the next announcement makes a socket read everything it missed. */
  private async announce(message: Parameters<ActivityFeed['publish']>[0]): Promise<void> {
    await this.deps.feed
      .publish(message)
      .catch((err: unknown) => this.log(message.conversationId).warn({ err: describe(err) }, 'activity feed publish failed'));
  }

  private log(conversationId: string): Logger {
    return this.deps.logger.child({ channel: CHANNEL_ID, conversation: conversationId });
  }
}

/**
 * Whether a replyToId names an activity clients can have: one of this conversation's logged ones.
 * A message sent outside a turn (an agent's) replies to the continuation activity the adapter
 * made up, and a reply to the conversationUpdate (sequence 0) names nothing logged either. Web
 * Chat holds such a reply for 5 s, waiting for what it replies to, before it shows it.
 */
function repliesToLogged(conversationId: string, replyToId: unknown): boolean {
  return typeof replyToId === 'string' && (sequenceOf(conversationId, replyToId) ?? 0) > 0;
}

/**
 * The customer's activity as clients see it back. Attachments keep their name and type but not
 * their bytes (the sender has the file; key files must not rest in the log), and `value` is left
 * out (a password card posts the password there).
 */
function clientFacing(input: ClientActivity): Record<string, unknown> {
  const { value: _value, attachments, from: _from, ...rest } = input;
  return {
    ...rest,
    ...(attachments === undefined ? {} : { attachments: attachments.map(({ contentType, name }) => ({ contentType, name })) }),
  };
}

/**
 * What is left of a deleted activity: enough for a client to match its echo (and still show
 * which files were sent, by name), nothing it said.
 */
function redacted(stored: StoredActivity): Record<string, unknown> {
  const channelData = stored.channelData as Record<string, unknown> | undefined;
  const clientActivityID = channelData?.clientActivityID;
  const attachments = Array.isArray(stored.attachments)
    ? (stored.attachments as Record<string, unknown>[]).map(({ contentType, name }) => ({ contentType, name }))
    : undefined;
  return {
    ...(attachments === undefined ? {} : { attachments }),
    type: stored.type,
    channelId: stored.channelId,
    conversation: stored.conversation,
    from: stored.from,
    recipient: stored.recipient,
    timestamp: stored.timestamp,
    replyToId: stored.replyToId,
    ...(clientActivityID === undefined ? {} : { channelData: { clientActivityID } }),
  };
}

/** Errors are logged by name and message only; activities' text never reaches a log. */
function describe(err: unknown): { name: string; message: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'NonError', message: String(err) };
}
