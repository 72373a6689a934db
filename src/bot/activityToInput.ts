import { Activity, ActivityTypes } from 'botbuilder';
import type { RecognizedInput } from '../../dialogs/events';
import { recognize } from './recognizer';

/** The flow input an activity carries, or undefined for activities the flow does not care about. */
export function activityToInput(activity: Activity): RecognizedInput | undefined {
  switch (activity.type) {
    case ActivityTypes.Message:
      if ((activity.attachments ?? []).length > 0) {
        return { type: 'ATTACHMENTS', attachments: (activity.attachments ?? []).map((a) => ({ name: a.name, contentUrl: a.contentUrl })) };
      }
      return recognize(activity.text ?? '');
    case ActivityTypes.ConversationUpdate: {
      // Channels also announce the bot itself joining; only a customer joining starts a conversation.
      const customerJoined = (activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id);
      return customerJoined ? { type: 'START' } : undefined;
    }
    default:
      return undefined;
  }
}
