import { Activity, ActivityTypes, EventFactory, TurnContext } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { HandoffRecord } from '../state/handoffRecord';
import type { TranscriptEntry } from '../state/transcriptEntry';
import { renderTranscript } from './transcript';

/**
 * handoff.initiate for an external hub (Omnichannel, LivePerson): who the customer is (masked),
 * where they were, and the redacted transcript. Sent only on a hub's own channel.
 */
export function handoffInitiation(
  context: TurnContext,
  handoff: HandoffRecord,
  transcript: readonly TranscriptEntry[],
  t: TFunction,
): Partial<Activity> {
  const activities = renderTranscript(transcript, t).map((line): Partial<Activity> => ({
    type: ActivityTypes.Message,
    text: line.text,
    timestamp: new Date(line.at),
    from: { id: line.from, name: line.from, role: line.from === 'customer' ? 'user' : 'bot' },
  }));
  return EventFactory.createHandoffInitiation(
    context,
    { journey: handoff.journey, step: handoff.step, maskedName: handoff.maskedName, reason: handoff.reason, language: handoff.language },
    { activities: activities as Activity[] },
  );
}
