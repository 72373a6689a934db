import i18next from 'i18next';
import { KoreanPostpositionProcessor } from 'i18next-korean-postposition-processor';
import { desk as en } from '../../../locales/en/translation.json';
import { desk as ko } from '../../../locales/ko/translation.json';
import type { Language } from './deskTypes';
import { showMarkedTexts } from '../../i18n/page/markedTexts';

/** Every key under `desk` in the locales, as `desk.a.b`: a text the page asks for must exist. */
type Keys<T, Prefix extends string> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Keys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type TextKey = Keys<typeof ko, 'desk.'>;

const LANGUAGE_KEY = 'deskLanguage';

/** The agent's last choice on this browser; Korean first. */
function rememberedLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'ko';
  } catch {
    return 'ko'; // storage may be refused; the page works without it
  }
}

// The locales' desk texts, bundled at build, with the bot's rules: particle markers ([[이]] …)
// follow the word before them; texts go into textContent, never HTML, so nothing is escaped.
const i18n = i18next.createInstance();
void i18n.use(new KoreanPostpositionProcessor()).init({
  initAsync: false,
  lng: rememberedLanguage(),
  fallbackLng: 'ko',
  resources: { ko: { translation: { desk: ko } }, en: { translation: { desk: en } } },
  postProcess: ['korean-postposition'],
  interpolation: { escapeValue: false },
});

export const language = (): Language => (i18n.language === 'en' ? 'en' : 'ko');

export function setLanguage(next: Language): void {
  void i18n.changeLanguage(next);
  try {
    localStorage.setItem(LANGUAGE_KEY, next);
  } catch {
    // not remembered, still switched
  }
}

export function text(key: TextKey, params?: Readonly<Record<string, string | number>>): string {
  return i18n.t(key, params);
}

/** A label for a value the server names (a journey), or the value itself when the locales have none. */
export function labelOr(key: string, value: string): string {
  return i18n.exists(key) ? i18n.t(key) : value;
}

/** The page's fixed texts, named in index.html: data-i18n (content), data-i18n-aria-label, data-i18n-placeholder. */
export function showPageTexts(): void {
  showMarkedTexts((key) => i18n.t(key), language());
}

const formats = (locale: string) => ({
  time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false }),
  dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }),
});
const FORMATS = { ko: formats('ko-KR'), en: formats('en-US') } satisfies Record<Language, unknown>;

export const formatTime = (ms: number): string => FORMATS[language()].time.format(new Date(ms));
export const formatDateTime = (ms: number): string => FORMATS[language()].dateTime.format(new Date(ms));

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return text('desk.ticker.duration', { minutes: Math.floor(total / 60), seconds: total % 60 });
}
