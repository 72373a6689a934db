import type { RecognizedInput } from '../../../dialogs/contract/events';
import { JOURNEYS } from '../../../dialogs/journeys';
import { SUPPORTED_LANGUAGES, Translator } from '../../i18n/translator';
import { choiceNamedIn, compactForm } from './recognizer';

/** Choices that are themselves requests the whole bot understands: answering with one is making it. */
const CHOICE_INTENTS: Readonly<Record<string, RecognizedInput>> = {
  'yesNo.yes': { type: 'YES' },
  'yesNo.no': { type: 'NO' },
  'issuance.agree': { type: 'YES' },
  'language.choices.ko': { type: 'LANGUAGE', language: 'ko' },
  'language.choices.en': { type: 'LANGUAGE', language: 'en' },
  'menu.choices.whatIs': { type: 'WHAT_IS' },
  'menu.choices.agent': { type: 'AGENT' },
};

/**
 * Reads an answer to a question with choices: its number ("2", "2번"), a button's title in
 * either language ("범용 (4,400원)", "General"), or the choice's own words ("범용으로 할게요").
 * A journey's menu choice is the request that starts it.
 */
export class ChoiceReader {
  /** Each choice's titles, compacted, per language: the same few keys are read on every turn. */
  private readonly titles = new Map<string, readonly string[]>();

  constructor(private readonly translator: Translator) {}

  /** The choice answered (a label key, or a listed item's value), or undefined. */
  read(text: string, offered: readonly string[]): string | undefined {
    // "2", "2번", "2. 범용 …" — not "1 2 3 4 5 6", a code typed with spaces.
    const number = /^\s*(\d{1,2})(?:\s*$|\s*(?:번|\.|\))(?!\d))/.exec(text)?.[1];
    if (number !== undefined) return offered[Number(number) - 1];
    const compact = compactForm(text);
    return offered.find((choice) => this.compactTitles(choice).includes(compact)) ?? choiceNamedIn(text, offered);
  }

  private compactTitles(choice: string): readonly string[] {
    let titles = this.titles.get(choice);
    if (titles === undefined) {
      titles = SUPPORTED_LANGUAGES.map((language) => compactForm(this.translator.forLanguage(language)(choice)));
      this.titles.set(choice, titles);
    }
    return titles;
  }

  /** A label key's Korean title (a carrier's name, to read as one). */
  title(choice: string): string {
    return this.translator.forLanguage('ko')(choice);
  }

  /** The flow input a choice is: a request (a journey, yes, the menu's 상담원 연결) or the choice itself. */
  asInput(choice: string, typed: string): RecognizedInput {
    const journey = JOURNEYS.find((j) => j.menuChoice === choice);
    if (journey === undefined) return CHOICE_INTENTS[choice] ?? { type: 'CHOICE', choice };
    if (!('intent' in journey.startsOn)) return { type: 'JOURNEY', journey: journey.id };
    return journey.startsOn.intent === 'REISSUE' ? { type: 'REISSUE', text: typed } : { type: journey.startsOn.intent };
  }
}
