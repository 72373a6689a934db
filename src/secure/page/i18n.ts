import i18next from 'i18next';
import { KoreanPostpositionProcessor } from 'i18next-korean-postposition-processor';
import type { Language } from '../../../dialogs/contract/domain';
import { secure as en, secureStep as enStep } from '../../../locales/en/translation.json';
import { secure as ko, secureStep as koStep } from '../../../locales/ko/translation.json';
import { showMarkedTexts } from '../../i18n/page/markedTexts';

/** Every key of a locale section, as `prefix.a.b`: a text the page asks for must exist. */
type Keys<T, Prefix extends string> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Keys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
/** The page's own texts (`secure`), and the chat's explanations of a failed step, which the page gives too. */
export type TextKey = Keys<typeof ko, 'secure.'> | Keys<typeof koStep.failed, 'secureStep.failed.'>;
export type Params = Readonly<Record<string, string | number | Date>>;

// The locales' texts, bundled at build, with the bot's rules: particle markers ([[을]] …) follow
// the word before them; texts go into textContent, never HTML, so nothing is escaped.
const i18n = i18next.createInstance();
void i18n.use(new KoreanPostpositionProcessor()).init({
  initAsync: false,
  lng: 'ko',
  fallbackLng: 'ko',
  resources: {
    ko: { translation: { secure: ko, secureStep: { failed: koStep.failed } } },
    en: { translation: { secure: en, secureStep: { failed: enStep.failed } } },
  },
  postProcess: ['korean-postposition'],
  interpolation: { escapeValue: false },
});

export const language = (): Language => (i18n.language === 'en' ? 'en' : 'ko');

export function text(key: TextKey, params?: Params): string {
  return i18n.t(key, params);
}

/** Texts the script set, kept so a change of language says them again. */
const spoken = new Map<Element, () => string>();

/** Puts a text into an element (its textContent), in the page's language now and after a switch. */
export function say(element: Element, key: TextKey, params?: Params): void {
  sayWith(element, () => text(key, params));
}

/** As say, for a text that is not one fixed key (a label chosen from the server's value). */
export function sayWith(element: Element, words: () => string): void {
  spoken.set(element, words);
  element.textContent = words();
}

/** Empties an element the script had filled. */
export function unsay(element: Element): void {
  spoken.delete(element);
  element.textContent = '';
}

export function setLanguage(next: Language): void {
  void i18n.changeLanguage(next);
  showTexts();
}

/** The fixed texts named in index.html (data-i18n, data-i18n-aria-label, data-i18n-placeholder) and the ones the script set. */
export function showTexts(): void {
  showMarkedTexts((key) => i18n.t(key), language());
  for (const [element, words] of spoken) {
    if (element.isConnected) element.textContent = words();
    else spoken.delete(element);
  }
}
