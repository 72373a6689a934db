import { Activity, ActivityTypes, HandoffEventNames } from 'botbuilder';
import { z } from 'zod';
import type { ProtectedInput, RecognizedInput } from '../../../dialogs/contract/events';
import type { Awaiting } from '../../../dialogs/contract/replies';
import { HubState, HubStates } from '../../handoff/handoffAudit';
import { parseCarrier } from '../../identity/phoneNumber';
import { capabilitiesOf } from '../render/channelCapabilities';
import { SECRET_INPUT_ID } from '../render/replyRenderer';
import type { ChoiceReader } from './choiceReader';
import { PersonalDataGuard } from './personalDataGuard';
import { recognize } from './recognizer';

/** What one activity is, for the turn: the customer's input to the flow (or to the person holding the conversation), a hub's status, or nothing. */
export type Decoded =
  | {
      readonly kind: 'customer';
      readonly input: RecognizedInput | ProtectedInput;
      /** The message as typed; only ever kept redacted. */
      readonly typed?: string;
      /** It answered a password question: kept nowhere, shown to people as "password entered". */
      readonly secret: boolean;
      /** It carried personal data or a secret: the channel is asked to delete it, where it can. */
      readonly sensitive: boolean;
    }
  | { readonly kind: 'hub'; readonly state: HubState }
  | { readonly kind: 'none' };

/** What a password card's Action.Submit posts: the masked field, and no text. */
const CardSecret = z.object({ [SECRET_INPUT_ID]: z.string() });

/**
 * The decode stage: an activity, read in the light of what the flow awaits (its last question),
 * becomes one input. A password question takes the text as typed; a question with choices takes
 * a number, a button's title or the choice's words; anything else is recognized (intents,
 * personal data made safe by the guard).
 */
export class ActivityDecoder {
  constructor(
    private readonly guard: PersonalDataGuard,
    private readonly choices: ChoiceReader,
  ) {}

  decode(activity: Activity, awaiting: Awaiting | undefined): Decoded {
    if (activity.type === ActivityTypes.Event && activity.name === HandoffEventNames.HandoffStatus)
      return { kind: 'hub', state: hubStateOf(activity.value) };
    if (activity.type === ActivityTypes.ConversationUpdate) {
      // Channels also announce the bot itself joining; only a customer joining starts a conversation.
      const customerJoined = (activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id);
      return customerJoined ? customer({ type: 'START' }) : { kind: 'none' };
    }
    if (activity.type !== ActivityTypes.Message) return { kind: 'none' };
    const secret = cardSecretOf(activity);
    // Taken as typed, never recognized: "취소" in a password field is a password.
    if (secret !== undefined) return customer({ type: 'TEXT', text: secret }, { secret: true });
    if ((activity.attachments ?? []).length > 0) {
      const attachments = (activity.attachments ?? []).map((a) => ({ name: a.name, contentUrl: a.contentUrl }));
      return customer(this.guard.protect({ type: 'ATTACHMENTS', attachments }), { sensitive: true });
    }
    const text = activity.text ?? '';
    if (awaiting?.asks === 'password') return this.passwordAnswer(text, activity.channelId);
    const chosen = this.readAnswer(text, awaiting);
    if (chosen !== undefined) return customer(chosen, { typed: text });
    const input = this.guard.protect(recognize(text));
    return customer(input, { typed: text, sensitive: PersonalDataGuard.isSensitive(input) });
  }

  /**
   * A message with a digit is the password as typed, even if it looks like a command ("Help#2026x");
   * a valid password has digits, so a bare "취소" still cancels. Where the channel shows the
   * password card, only the card's masked field may carry it: typed in the open it stays on screen.
   */
  private passwordAnswer(text: string, channelId: string): Decoded {
    if (!/\d/.test(text)) return customer(recognize(text), { typed: text });
    return customer(capabilitiesOf(channelId).adaptiveCards ? { type: 'SECRET_TYPED' } : { type: 'TEXT', text }, { secret: true });
  }

  /** The answer to a question with choices, or to one that asks for a carrier; undefined when the text is something else. */
  private readAnswer(text: string, awaiting: Awaiting | undefined): RecognizedInput | undefined {
    if (awaiting === undefined || awaiting.choices.length === 0) return undefined;
    const choice = this.choices.read(text, awaiting.choices);
    if (awaiting.asks === 'carrier') {
      const carrier = parseCarrier(choice === undefined ? text : this.choices.title(choice));
      return carrier.ok ? { type: 'CARRIER', carrier: carrier.value } : undefined;
    }
    return choice === undefined ? undefined : this.choices.asInput(choice, text);
  }
}

function customer(
  input: RecognizedInput | ProtectedInput,
  options: { typed?: string; secret?: boolean; sensitive?: boolean } = {},
): Decoded {
  const secret = options.secret ?? false;
  return { kind: 'customer', input, typed: options.typed, secret, sensitive: secret || (options.sensitive ?? false) };
}

/** The password a customer submitted through a password card, if this activity is that submit. */
function cardSecretOf(activity: Activity): string | undefined {
  // Most messages are typed text with no value: nothing to parse.
  if (typeof activity.value !== 'object' || activity.value === null) return undefined;
  const parsed = CardSecret.safeParse(activity.value);
  return parsed.success ? parsed.data[SECRET_INPUT_ID] : undefined;
}

/** The hub's handoff.status state (accepted, completed, failed), or unknown. */
function hubStateOf(value: unknown): HubState {
  const state = HubStates.safeParse(
    typeof value === 'object' && value !== null && 'state' in value ? (value as { state: unknown }).state : undefined,
  );
  return state.success ? state.data : 'unknown';
}
