import { Activity, ActivityTypes } from 'botbuilder';
import { z } from 'zod';
import type { RecognizedInput } from '../../dialogs/contract/events';
import { recognize } from './recognizer';
import { SECRET_INPUT_ID } from './replyRenderer';

/** What a password card's Action.Submit posts: the masked field, and no text. */
const CardSecret = z.object({ [SECRET_INPUT_ID]: z.string() });

/** The password a customer submitted through a password card, if this activity is that submit. */
export function cardSecretOf(activity: Activity): string | undefined {
  // Most messages are typed text with no value: nothing to parse.
  if (activity.type !== ActivityTypes.Message || typeof activity.value !== 'object' || activity.value === null) return undefined;
  const parsed = CardSecret.safeParse(activity.value);
  return parsed.success ? parsed.data[SECRET_INPUT_ID] : undefined;
}

/** The flow input an activity carries, or undefined for activities the flow does not care about. */
export function activityToInput(activity: Activity): RecognizedInput | undefined {
  switch (activity.type) {
    case ActivityTypes.Message: {
      // Taken as typed, never recognized: "취소" in a password field is a password.
      const secret = cardSecretOf(activity);
      if (secret !== undefined) return { type: 'TEXT', text: secret };
      if ((activity.attachments ?? []).length > 0) {
        return { type: 'ATTACHMENTS', attachments: (activity.attachments ?? []).map((a) => ({ name: a.name, contentUrl: a.contentUrl })) };
      }
      return recognize(activity.text ?? '');
    }
    case ActivityTypes.ConversationUpdate: {
      // Channels also announce the bot itself joining; only a customer joining starts a conversation.
      const customerJoined = (activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id);
      return customerJoined ? { type: 'START' } : undefined;
    }
    default:
      return undefined;
  }
}
