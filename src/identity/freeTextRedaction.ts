/**
 * Secrets a customer may type where none was asked, found in free text and masked: the one place
 * that knows their shapes (the agent's transcript and the Direct Line log both use it).
 *
 * Every pattern is bounded or a single character class under one quantifier, so the engine never
 * backtracks more than a constant at each position: linear in the text, whatever it holds.
 */

/** What each kind of run is replaced with. */
export interface RedactionMarks {
  /** 6 digits, an optional hyphen or spaces, 7 digits: a 주민등록번호 (or one like it). */
  readonly rrn: string;
  /** 01x and 7–8 more digits, with or without hyphens or spaces: a mobile number. */
  readonly phone: string;
  /** Any other run of 6 or more digits: a one-time code, a card or account number. */
  readonly digits: string;
  /** A token of 8 or more characters mixing letters, digits and symbols, as a certificate password does. */
  readonly password: string;
}

/** Labels for the people who read a transcript (the agent): they see what kind of thing was typed. */
export const LABELS: RedactionMarks = { rrn: '[주민등록번호]', phone: '[휴대폰 번호]', digits: '[숫자]', password: '[비밀번호 형태]' };

/** Language-neutral masks, for what the customer may see again (a replayed chat history). */
export const ASTERISKS: RedactionMarks = { rrn: '******-*******', phone: '***-****-****', digits: '******', password: '********' };

// Whole runs only (no digit just before or after), so a longer number is masked as one.
const RRN_LIKE = /(?<!\d)\d{6}[\s-]{0,3}\d{7}(?!\d)/g;
const PHONE_LIKE = /(?<!\d)01[016789][\s-]{0,3}\d{3,4}[\s-]{0,3}\d{4}(?!\d)/g;
const DIGIT_RUN = /\d{6,}/g;
const TOKEN = /\S{8,}/g;

/** 주민등록번호-like, mobile-number-like and other long digit runs masked; safe on any text, the bot's own included. */
export function redactDigitRuns(text: string, marks: RedactionMarks = LABELS): string {
  return text.replace(RRN_LIKE, marks.rrn).replace(PHONE_LIKE, marks.phone).replace(DIGIT_RUN, marks.digits);
}

/** What a customer typed: the digit runs, and password-like tokens too (not for the bot's text: its links look like them). */
export function redactFreeText(text: string, marks: RedactionMarks = LABELS): string {
  return redactDigitRuns(text, marks).replace(TOKEN, (token) => (looksLikePassword(token) ? marks.password : token));
}

/** Certificate passwords mix letters, digits and special characters; ordinary words do not. */
export function looksLikePassword(token: string): boolean {
  return /\d/.test(token) && /[A-Za-z]/.test(token) && /[^A-Za-z\d\p{Script=Hangul}]/u.test(token);
}
