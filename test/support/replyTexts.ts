import type { Language } from '../../dialogs/contract/events';
import type { SecureStepKind } from '../../dialogs/contract/secure';
import { createTranslator, type Translator } from '../../src/i18n/translator';

/**
 * Replies by their keys: conversation tests compare what the customer reads with the locales'
 * texts, rendered by the bot's own translator, so a change of wording breaks no flow test.
 */
let translator: Translator | undefined;

// Registered by each test file that imports this module: the translator loads before its tests.
beforeAll(async () => {
  translator ??= await createTranslator();
});

type Params = Readonly<Record<string, string | number>>;

/** What the customer reads for a reply: the locale's text for `key`, with its parameters and the Korean particles filled in. */
export function says(key: string, params: Params = {}, language: Language = 'ko'): string {
  if (translator === undefined) throw new Error(`says('${key}') is for use within a test: the translator loads before the tests`);
  if (!translator.has(key)) throw new Error(`the locales have no text for ${key}`);
  return translator.forLanguage(language)(key, params);
}

/** The same reply in English. */
export const saysInEnglish = (key: string, params: Params = {}): string => says(key, params, 'en');

/** The titles of the buttons for these choice keys, in order. */
export const titlesOf = (keys: readonly string[], language: Language = 'ko'): string[] => keys.map((key) => says(key, {}, language));

/**
 * A reply whose parameters are partly unknown to the test (a serial, a date, a count of days):
 * the locale's text with `unknown` parameters left open, each captured by its name.
 */
export function saysPattern(key: string, known: Params, unknown: readonly string[], language: Language = 'ko'): RegExp {
  // Brackets no locale text uses, so the markers survive rendering and are found again.
  const marker = (name: string): string => `⟦${name}⟧`;
  const text = says(key, { ...known, ...Object.fromEntries(unknown.map((name) => [name, marker(name)])) }, language);
  const captured = new Set<string>();
  const source = text
    .split(/⟦(\w+)⟧/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (captured.has(part)) return '.+?';
      captured.add(part);
      return `(?<${part}>.+?)`;
    })
    .join('');
  return new RegExp(`^${source}$`, 's');
}

/**
 * The chat's way to a secure step, as a channel without buttons (the test channel, SMS) shows it:
 * the step's text and the link to its page on a line of its own, unless the text already names it.
 */
export function opensPage(kind: SecureStepKind, url: string, language: Language = 'ko'): string {
  const text = says(`secureStep.open.${kind}`, { url }, language);
  return text.includes(url) ? text : `${text}\n${url}`;
}
