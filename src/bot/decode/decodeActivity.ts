import { Activity, ActivityTypes, HandoffEventNames } from 'botbuilder';
import type { ProtectedInput, RecognizedInput } from '../../../dialogs/contract/events';
import type { Awaiting } from '../../../dialogs/contract/replies';
import { HubState, HubStates } from '../../handoff/handoffAudit';
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
    }
  | { readonly kind: 'hub'; readonly state: HubState }
  | { readonly kind: 'none' };

/**
 * The decode stage: an activity, read in the light of what the flow awaits (its last question),
 * becomes one input. A question with choices takes a number, a button's title or the choice's
 * words; anything else is recognized (intents, personal data made safe by the guard).
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
    if ((activity.attachments ?? []).length > 0) {
      const attachments = (activity.attachments ?? []).map((a) => ({ name: a.name, contentUrl: a.contentUrl }));
      // Never fetched: certificate files are read on the customer's device, on the secure page.
      return customer({ type: 'ATTACHMENTS', attachments });
    }
    const text = activity.text ?? '';
    const chosen = this.readAnswer(text, awaiting);
    return customer(chosen ?? PersonalDataGuard.passwordLike(text) ?? this.guard.protect(recognize(text)), text);
  }

  /** The answer to a question with choices; undefined when the text is something else. */
  private readAnswer(text: string, awaiting: Awaiting | undefined): RecognizedInput | undefined {
    if (awaiting === undefined || awaiting.choices.length === 0) return undefined;
    const choice = this.choices.read(text, awaiting.choices);
    return choice === undefined ? undefined : this.choices.asInput(choice, text);
  }
}

function customer(input: RecognizedInput | ProtectedInput, typed?: string): Decoded {
  return { kind: 'customer', input, typed };
}

/** The hub's handoff.status state (accepted, completed, failed), or unknown. */
function hubStateOf(value: unknown): HubState {
  const state = HubStates.safeParse(
    typeof value === 'object' && value !== null && 'state' in value ? (value as { state: unknown }).state : undefined,
  );
  return state.success ? state.data : 'unknown';
}
