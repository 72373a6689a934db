import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import type { ProactiveMessenger } from '../agentDesk/agentDesk';
import type { StoredConversationReference } from '../handoff/handoffRecord';

/**
 * Messages to a customer outside their turn (an agent's reply), through the conversation
 * reference stored with the handoff: any instance can send, whichever one the customer last reached.
 */
export class AdapterMessenger implements ProactiveMessenger {
  constructor(
    private readonly adapter: CloudAdapter,
    /** Empty in local mode, where no token is requested. */
    private readonly appId: string | undefined,
  ) {}

  async send(reference: StoredConversationReference, activities: Partial<Activity>[]): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId ?? '', reference as Partial<ConversationReference>, async (context) => {
      await context.sendActivities(activities);
    });
  }
}
