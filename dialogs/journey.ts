import type { RecognizedInput } from './contract/events';
import type { FlowActorName, JourneyStates } from './flowSetup';

/**
 * A journey (발급, 타기관 등록, 재발급 …) as one unit: everything the root machine, the menu, the
 * recognizer and the agent desk need to offer it. `dialogs/journeys.ts` lists them; adding one to
 * that list is all the wiring there is.
 */
export interface Journey {
  /** The root state it runs in (`issuing`): also its name in transcripts and on the desk. */
  readonly id: string;
  /** What starts it: one of the recognizer's intents, or its own words (recognized as `JOURNEY`). */
  readonly startsOn: StartsOn;
  /** The label key of its menu choice. */
  readonly menuChoice: string;
  /** The label key the agent desk shows for a conversation in it. */
  readonly deskLabel: string;
  /** The services (named actors) it invokes, which the bot must provide. */
  readonly services: readonly FlowActorName[];
  readonly states: JourneyStates;
}

export type StartsOn =
  | { readonly intent: Extract<RecognizedInput['type'], 'ISSUE' | 'REGISTER' | 'REISSUE'> }
  /** Patterns on the recognizer's compact form (Korean, spaces removed) and words form (English). */
  | { readonly words: { readonly compact: readonly RegExp[]; readonly words: readonly RegExp[] } };
