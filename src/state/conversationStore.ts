import type { StoreItems } from 'botbuilder';
import { z } from 'zod';
import type { Language } from '../../dialogs/contract/events';
import type { Logger } from '../logging/logger';
import { HandoffRecordSchema } from './handoffRecord';
import type { ListAppend, StateStorage } from './stateStorage';
import { parseStored } from './storedJson';
import { TranscriptEntry, TranscriptEntrySchema } from './transcriptEntry';

/** Where one turn's state lives: the conversation's flow, its transcript beside it, and the customer's own preferences. */
export interface StateAddress {
  readonly conversationKey: string;
  readonly transcriptKey: string;
  readonly userKey: string;
}

const ConversationDoc = z.object({
  flow: z.object({ version: z.number().int(), snapshot: z.record(z.unknown()) }),
  /** When the customer last took a turn (ms), for the idle limit of a journey. */
  lastTurnAt: z.number().optional(),
  /** Set while the conversation waits for, or is held by, a person. */
  handoff: HandoffRecordSchema.optional(),
});
const UserDoc = z.object({ language: z.enum(['ko', 'en']) });

export type ConversationDoc = z.infer<typeof ConversationDoc>;
export type UserDoc = z.infer<typeof UserDoc>;

export interface LoadedState {
  readonly conversation?: ConversationDoc;
  readonly user?: UserDoc;
  /** The versions read, so the save can be a compare-and-set against them. */
  readonly conversationETag?: string;
}

/** Kept per conversation, redacted, for an agent who takes it over; older lines drop off, so an idle conversation stays small. */
const TRANSCRIPT_LIMIT = 30;

/** A change to a conversation: its next document, and the lines it adds to the transcript. */
export interface ConversationChange {
  readonly conversation: ConversationDoc;
  readonly lines?: readonly TranscriptEntry[];
}

/** What `update` makes of a conversation: the change and what it returns, or undefined to leave it as it is. */
type Edit<T> = { readonly next: ConversationChange; readonly result: T } | undefined;

/** Another turn of the same conversation saved first; this turn's result must not overwrite it. */
export class StateConflictError extends Error {
  override name = 'StateConflictError';
}

const CONVERSATION = 'conversation/';
const TRANSCRIPT = 'transcript/';
const USER = 'user/';

export function stateAddress(channelId: string, conversationId: string, userId: string): StateAddress {
  return {
    conversationKey: `${CONVERSATION}${channelId}/${conversationId}`,
    transcriptKey: `${TRANSCRIPT}${channelId}/${conversationId}`,
    userKey: `${USER}${channelId}/${userId}`,
  };
}

/** The address of two state keys handed back from outside (the agent desk's handle), if they are such keys. */
export function addressOfKeys(conversationKey: string, userKey: string): StateAddress | undefined {
  if (!conversationKey.startsWith(CONVERSATION) || !userKey.startsWith(USER)) return undefined;
  return { conversationKey, transcriptKey: TRANSCRIPT + conversationKey.slice(CONVERSATION.length), userKey };
}

/**
 * Reads and writes one turn's state in a single storage call each way. The conversation is
 * written with the eTag that was read, because botbuilder's BotState would write with '*'
 * and let a racing turn silently overwrite another's progress. Its transcript is a list beside
 * it, appended in the same write and read only when someone needs it (an agent, a handoff).
 */
export class ConversationStore {
  constructor(
    private readonly storage: StateStorage,
    private readonly logger: Logger,
  ) {}

  async load(address: StateAddress): Promise<LoadedState> {
    const items = await this.storage.read([address.conversationKey, address.userKey]);
    const conversationItem = items[address.conversationKey] as { eTag?: string } | undefined;
    return {
      conversation: this.parse(ConversationDoc, items[address.conversationKey], address.conversationKey),
      user: this.parse(UserDoc, items[address.userKey], address.userKey),
      conversationETag: conversationItem?.eTag,
    };
  }

  async save(address: StateAddress, loaded: LoadedState, next: ConversationChange & { language?: Language }): Promise<void> {
    const changes: StoreItems = {
      [address.conversationKey]: { ...next.conversation, eTag: loaded.conversationETag },
    };
    if (next.language !== undefined && next.language !== loaded.user?.language) {
      changes[address.userKey] = { language: next.language, eTag: '*' };
    }
    try {
      await this.storage.write(changes, this.appendLines(address, next.lines));
    } catch (err) {
      if (err instanceof Error && /eTag conflict/i.test(err.message)) throw new StateConflictError(err.message);
      throw err;
    }
  }

  /**
   * Changes a conversation from outside a turn (an agent's action), compare-and-set like a turn:
   * `change` sees the current document and returns the next one, or undefined to leave it; it is
   * run again on fresh state when a turn saved in between.
   */
  async update<T>(
    address: StateAddress,
    change: (conversation: ConversationDoc | undefined) => Edit<T> | Promise<Edit<T>>,
  ): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(address);
      const changed = await change(loaded.conversation);
      if (changed === undefined) return undefined;
      try {
        await this.save(address, loaded, changed.next);
        return changed.result;
      } catch (err) {
        if (!(err instanceof StateConflictError) || attempt >= 5) throw err;
      }
    }
  }

  /** Lines for the transcript alone, with no change to the conversation (a note after our own failure). */
  async note(address: StateAddress, lines: readonly TranscriptEntry[]): Promise<void> {
    await this.storage.write({}, this.appendLines(address, lines));
  }

  /** The conversation's last lines, oldest first; a line that is not ours is left out. */
  async transcript(address: StateAddress): Promise<TranscriptEntry[]> {
    const lines = await this.storage.readList(address.transcriptKey);
    return lines.flatMap((line) => {
      const entry = parseStored(TranscriptEntrySchema, line);
      if (entry === undefined) this.unreadable(address.transcriptKey);
      return entry === undefined ? [] : [entry];
    });
  }

  private appendLines(address: StateAddress, lines: readonly TranscriptEntry[] = []): ListAppend[] {
    return lines.length === 0
      ? []
      : [{ key: address.transcriptKey, values: lines.map((line) => JSON.stringify(line)), cap: TRANSCRIPT_LIMIT }];
  }

  private parse<T>(schema: z.ZodType<T>, item: unknown, key: string): T | undefined {
    if (item === undefined) return undefined;
    const parsed = schema.safeParse(item);
    if (parsed.success) return parsed.data;
    this.unreadable(key);
    return undefined;
  }

  /** Never logs the value: it may hold personal data. A fresh start is better than a crash. */
  private unreadable(key: string): void {
    this.logger.warn({ key }, 'unreadable state document ignored');
  }
}
