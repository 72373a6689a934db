import i18next, { i18n, TFunction } from 'i18next';
import { KoreanPostpositionProcessor } from 'i18next-korean-postposition-processor';
import en from '../../locales/en/translation.json';
import ko from '../../locales/ko/translation.json';
import type { Language } from '../../dialogs/contract/events';

export const SUPPORTED_LANGUAGES: readonly Language[] = ['ko', 'en'];
export const DEFAULT_LANGUAGE: Language = 'ko';

export interface Translator {
  /** A translate function for one language; Korean particles ([[을]], [[이]], [[은]] …) are resolved. */
  forLanguage(language: Language): TFunction;
  has(key: string): boolean;
}

export async function createTranslator(): Promise<Translator> {
  const instance: i18n = i18next.createInstance();
  await instance.use(new KoreanPostpositionProcessor()).init({
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...SUPPORTED_LANGUAGES],
    resources: { ko: { translation: ko }, en: { translation: en } },
    postProcess: ['korean-postposition'],
    // Replies are plain text or card text, never HTML.
    interpolation: { escapeValue: false },
  });
  const fixed = new Map(SUPPORTED_LANGUAGES.map((language) => [language, remembering(instance.getFixedT(language))]));
  return {
    forLanguage: (language) => fixed.get(language) ?? instance.getFixedT(language),
    has: (key) => instance.exists(key),
  };
}

/** More than every key of the locales; a cache that never grows past it even if keys were made up. */
const MAX_REMEMBERED = 4096;

/**
 * A key translated without parameters always gives the same text, and most of a turn's texts
 * (menus, questions, choice labels) are such keys: each is translated once, then remembered.
 * Calls with parameters go to i18next every time.
 */
function remembering(t: TFunction): TFunction {
  const texts = new Map<string, string>();
  const remembered = (key: unknown, options?: unknown): unknown => {
    if (
      typeof key !== 'string' ||
      !(options === undefined || (typeof options === 'object' && options !== null && Object.keys(options).length === 0))
    ) {
      return (t as unknown as (key: unknown, options: unknown) => unknown)(key, options);
    }
    let text = texts.get(key);
    if (text === undefined) {
      text = t(key);
      if (texts.size < MAX_REMEMBERED) texts.set(key, text);
    }
    return text;
  };
  return remembered as unknown as TFunction;
}
