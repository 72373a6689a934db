import { webChat as en } from '../../../locales/en/translation.json';
import { webChat as ko } from '../../../locales/ko/translation.json';

export type Language = 'ko' | 'en';

/** The page's own words, from the bot's locales, bundled at build: they show even when the server cannot be reached. */
export const PAGE_TEXTS: Readonly<Record<Language, typeof ko>> = { ko, en };

export const isLanguage = (value: string | undefined): value is Language => value === 'ko' || value === 'en';
