import type { ConversationStatus, HandoffReason, Language, Summary } from './deskTypes';
import { labelOr, text } from './i18n';

export const customerName = (c: Summary): string => c.maskedName || text('desk.unnamed');
/** Journeys are the bot's to add: one without a label yet shows its id. */
export const journeyLabel = (journey: string): string => labelOr(`desk.journeys.${journey}`, journey);
export const reasonLabel = (reason: HandoffReason): string => text(`desk.reasons.${reason}`);
export const statusLabel = (status: ConversationStatus): string => text(`desk.statuses.${status}`);
export const languageLabel = (language: Language): string => text(`desk.languages.${language}`);
