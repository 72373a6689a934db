import { type Activity, ActivityTypes, TurnContext } from 'botbuilder';
import type { Language } from '../../../dialogs/contract/events';
import type { Reply } from '../../../dialogs/contract/replies';
import { handoffInitiation } from '../../handoff/hubProtocol';
import type { Translator } from '../../i18n/translator';
import type { Logger } from '../../logging/logger';
import type { StageTimer } from '../../metrics/metrics';
import type { HandoffRecord, StoredConversationReference } from '../../state/handoffRecord';
import type { TranscriptEntry } from '../../state/transcriptEntry';
import { capabilitiesOf } from '../render/channelCapabilities';
import { renderReplies } from '../render/replyRenderer';

/** A turn slower than this shows a typing indicator (where the channel has one). */
const TYPING_AFTER_MS = 300;

/** What a turn has to say, and to whom beyond the customer. */
export interface TurnOutcome {
  readonly replies: readonly Reply[];
  readonly language: Language;
  /** The conversation was just queued for a person; a hub is told with handoff.initiate. */
  readonly handedOff?: { readonly handoff: HandoffRecord; readonly transcript: readonly TranscriptEntry[] };
}

export interface DeliveryDependencies {
  readonly translator: Translator;
  readonly logger: Logger;
  /** Channels of the external handoff hub: only they are told of a handoff. */
  readonly hubChannels: readonly string[];
  /** Times the render and deliver stages. */
  readonly stages: StageTimer;
}

/**
 * The deliver stage: the replies rendered for the channel and sent; a hub told of a handoff.
 */
export async function deliverTurn(context: TurnContext, outcome: TurnOutcome, deps: DeliveryDependencies): Promise<void> {
  const activity = context.activity;
  const t = deps.translator.forLanguage(outcome.language);
  if (outcome.replies.length > 0) {
    const activities = deps.stages.timeStageSync('render', () => renderReplies(outcome.replies, t, activity.channelId));
    await deps.stages.timeStage('deliver', () => context.sendActivities(activities));
  }
  // On a customer's own channel the event would hand them the transcript and our internals.
  if (outcome.handedOff !== undefined && deps.hubChannels.includes(activity.channelId)) {
    await context.sendActivity(handoffInitiation(context, outcome.handedOff.handoff, outcome.handedOff.transcript, t));
  }
}

/** A typing indicator once a turn has taken a moment (issuing a certificate); returns what stops it. */
export function typingWhileSlow(context: TurnContext): () => void {
  if (!capabilitiesOf(context.activity.channelId).typing) return () => undefined;
  const timer = setTimeout(() => void context.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined), TYPING_AFTER_MS);
  return () => clearTimeout(timer);
}

/** Sends activities to a customer outside their turn, through a stored conversation reference. */
export type ProactiveSend = (reference: StoredConversationReference, activities: Partial<Activity>[]) => Promise<void>;

/**
 * The deliver stage for an outcome that no activity of the customer's started (a secure step
 * ended on its page): the replies rendered for the channel and sent proactively.
 */
export async function deliverProactively(
  send: ProactiveSend,
  reference: StoredConversationReference,
  outcome: TurnOutcome,
  deps: Pick<DeliveryDependencies, 'translator'>,
): Promise<void> {
  if (outcome.replies.length === 0) return;
  await send(reference, renderReplies(outcome.replies, deps.translator.forLanguage(outcome.language), reference.channelId));
}
