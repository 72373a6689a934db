import { randomUUID } from 'node:crypto';
import { Activity, TestAdapter } from 'botbuilder';
import type { SecureInput } from '../../dialogs/contract/secure';
import type { FakeSecurePages } from './securePagesFake';

/** What the customer sees of one bot message. */
export interface SeenReply {
  readonly text: string;
  readonly choices: readonly string[];
}

/**
 * A customer talking to the bot through botbuilder's TestAdapter: each call sends one activity
 * and returns what the bot answered in that turn.
 */
export class Customer {
  readonly conversationId: string;

  constructor(
    private readonly adapter: TestAdapter,
    /** The secure page the bot opens steps on, to finish them as the customer would there. */
    readonly pages?: FakeSecurePages,
    conversationId = `conv-${randomUUID()}`,
    readonly userId = `customer-${randomUUID()}`,
  ) {
    this.conversationId = conversationId;
  }

  join(): Promise<SeenReply[]> {
    return this.send({ type: 'conversationUpdate', id: randomUUID(), membersAdded: [{ id: this.userId, name: 'customer' }] });
  }

  say(text: string, id: string = randomUUID()): Promise<SeenReply[]> {
    return this.send({ type: 'message', text, id });
  }

  /** Lets a test hand the same activity to another adapter (a restarted bot, a second instance). */
  moveTo(adapter: TestAdapter, pages?: FakeSecurePages): Customer {
    return new Customer(adapter, pages, this.conversationId, this.userId);
  }

  /** The customer ends the step the bot opened, on its page; returns what the chat then shows. */
  async finishStep(event: SecureInput): Promise<SeenReply[]> {
    if (this.pages === undefined) throw new Error('this customer has no secure page');
    return (await this.pages.complete(event)).map(toSeen);
  }

  async send(partial: Partial<Activity>): Promise<SeenReply[]> {
    await this.adapter.receiveActivity({
      channelId: 'test',
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: this.userId, name: 'customer' },
      recipient: { id: 'bot', name: 'bot' },
      ...partial,
    });
    return this.adapter.activeQueue.splice(0).map(toSeen);
  }
}

function toSeen(activity: Partial<Activity>): SeenReply {
  return {
    text: activity.text ?? '',
    choices: (activity.suggestedActions?.actions ?? []).map((a) => a.title ?? ''),
  };
}

export const texts = (replies: readonly SeenReply[]): string[] => replies.map((r) => r.text);
export const lastChoices = (replies: readonly SeenReply[]): readonly string[] => replies.at(-1)?.choices ?? [];
