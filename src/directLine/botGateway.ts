import { Activity, ActivityTypes, DeliveryModes, TurnContext } from 'botbuilder';
import type { BotAdapter } from '../server/botAdapter';

/** How the Direct Line endpoint gives the bot a turn: the contract with the rest of the app. */
export interface BotGateway {
  /**
   * Gives the bot one activity from the Direct Line channel (channelId 'directline', serviceUrl =
   * our connector URL); resolves with the activities the bot sent in that turn (deliveryMode
   * expectReplies). `live`, when given, receives the typing indicators the bot sends while the
   * turn runs, so a slow turn shows one at once instead of together with its replies.
   */
  turn(activity: Partial<Activity>, live?: (activity: Partial<Activity>) => void): Promise<Partial<Activity>[]>;
}

/**
 * The bot in this process, through an adapter made without credentials: nothing crosses the
 * network on the way in, so there is no token to check or obtain (this adapter is never exposed
 * over HTTP). Replies come back buffered in the turn's InvokeResponse body.
 */
export function createInProcessGateway(adapter: BotAdapter, logic: (context: TurnContext) => Promise<void>): BotGateway {
  return {
    async turn(activity, live) {
      const incoming = { ...activity, deliveryMode: DeliveryModes.ExpectReplies } as Activity;
      const response = await adapter.handle('', incoming, async (context) => {
        if (live !== undefined) {
          context.onSendActivities(async (_context, activities, next) => {
            // Only a batch of nothing but typing is taken out of the buffer: replies keep their order.
            if (activities.length === 0 || activities.some((a) => a.type !== ActivityTypes.Typing)) return next();
            activities.forEach((a) => live(a));
            return activities.map(() => ({ id: '' }));
          });
        }
        await logic(context);
      });
      const body = response?.body as { activities?: Partial<Activity>[] } | undefined;
      return body?.activities ?? [];
    },
  };
}
