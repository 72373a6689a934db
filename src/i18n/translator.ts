import i18next, { i18n, TFunction } from 'i18next';
import { KoreanPostpositionProcessor } from 'i18next-korean-postposition-processor';
import en from '../../locales/en/translation.json';
import ko from '../../locales/ko/translation.json';
import type { Language } from '../../dialogs/events';

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
  return {
    forLanguage: (language) => instance.getFixedT(language),
    has: (key) => instance.exists(key),
  };
}
