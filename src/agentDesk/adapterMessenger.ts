import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import { isLocalConnectorReference } from '../directLine/connectorRoutes';
import type { StoredConversationReference } from '../state/handoffRecord';
import type { ProactiveMessenger } from './agentDesk';

/**
 * Messages to a customer outside their turn (an agent's reply), through the conversation
 * reference stored with the handoff: any instance can send, whichever one the customer last reached.
 */
export class AdapterMessenger implements ProactiveMessenger {
  constructor(
    private readonly adapter: CloudAdapter,
    /** Empty without MicrosoftAppId, where no token is requested. */
    private readonly appId: string | undefined,
    /**
     * The Direct Line gateway's adapter, which has no credentials: a conversation on our own
     * Direct Line connector goes through it, since `adapter`, given an app id, would get a token
     * from Entra ID for every call and send it to that loopback address.
     */
    private readonly inProcess?: CloudAdapter,
  ) {}

  async send(reference: StoredConversationReference, activities: Partial<Activity>[]): Promise<void> {
    const { adapter, appId } =
      this.inProcess !== undefined && isLocalConnectorReference(reference)
        ? { adapter: this.inProcess, appId: '' }
        : { adapter: this.adapter, appId: this.appId ?? '' };
    await adapter.continueConversationAsync(appId, reference as Partial<ConversationReference>, async (context) => {
      await context.sendActivities(activities);
    });
  }
}
