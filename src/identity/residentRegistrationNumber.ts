import { createHmac } from 'node:crypto';
import { MaskedValue } from './maskedValue';

/**
 * 주민등록번호 (and 외국인등록번호, which has the same shape): `YYMMDD-SNNNNNN`.
 *
 * A parsed number can never leak by accident: `toString()`, template strings, `toJSON()`
 * (so `JSON.stringify`, pino and persisted state) and `util.inspect` (so `console.log`) all give
 * the masked form `900101-1******`. The digits are held in a true private field and come out
 * only through `revealDigits()`, a name that stands out in review.
 *
 * Because `toJSON()` masks, an instance put into conversation state comes back as a masked
 * string: keep `customerIdOf(rrn, key)` and `rrn.masked` between turns, never the number.
 */
export class ResidentRegistrationNumber extends MaskedValue {
  readonly #digits: string;
  /** `900101-1******`: the only form that may be shown, logged or stored. */
  readonly masked: string;
  readonly birthDate: BirthDate;
  /** For the password rule "must not contain the birth date". */
  readonly birthDateDigits: BirthDateDigits;
  /** True for 외국인등록번호 (7th digit 5–8). */
  readonly foreigner: boolean;

  private constructor(digits: string, birthDate: BirthDate, foreigner: boolean) {
    super();
    this.#digits = digits;
    this.masked = `${digits.slice(0, 6)}-${digits.slice(6, 7)}******`;
    this.birthDate = Object.freeze({ ...birthDate });
    this.birthDateDigits = Object.freeze({
      yymmdd: digits.slice(0, 6),
      yyyymmdd: `${String(birthDate.year).padStart(4, '0')}${digits.slice(2, 6)}`,
    });
    this.foreigner = foreigner;
    Object.freeze(this);
  }

  /** See `parseResidentRegistrationNumber`. */
  static parse(text: string, today: Date): RrnParseResult {
    const match = RRN_PATTERN.exec(text.normalize('NFKC'));
    if (match === null) return { ok: false, problem: 'format' };
    const digits = `${match[1] ?? ''}${match[2] ?? ''}`;
    const centuryDigit = CENTURY_BY_SEVENTH_DIGIT[digits.charAt(6)];
    if (centuryDigit === undefined) return { ok: false, problem: 'genderDigit' };
    const birthDate: BirthDate = {
      year: centuryDigit.century + Number(digits.slice(0, 2)),
      month: Number(digits.slice(2, 4)),
      day: Number(digits.slice(4, 6)),
    };
    if (!isCalendarDate(birthDate) || isAfter(birthDate, koreanDateOf(today))) {
      return { ok: false, problem: 'birthDate' };
    }
    return { ok: true, value: new ResidentRegistrationNumber(digits, birthDate, centuryDigit.foreigner) };
  }

  /** The 13 digits, no hyphen. Only for the turn that needs them (VID check, hashing); never store or log. */
  revealDigits(): string {
    return this.#digits;
  }
}

export interface BirthDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface BirthDateDigits {
  /** `900101` */
  readonly yymmdd: string;
  /** `19900101` */
  readonly yyyymmdd: string;
}

export type RrnProblem = 'format' | 'birthDate' | 'genderDigit';

export type RrnParseResult = { ok: true; value: ResidentRegistrationNumber } | { ok: false; problem: RrnProblem };

/**
 * Reads a 주민등록번호 as a customer types it: `900101-1234567`, `9001011234567`,
 * `900101 - 1234567`, full-width digits and hyphens (NFKC), other dashes (‐ – — −).
 *
 * Checks: 13 digits (`format`); the 7th digit is 1–8 (`genderDigit`: 1/2 born in the 1900s,
 * 3/4 in the 2000s, 5/6 and 7/8 the same for foreigners; 0 and 9, used for the 1800s, are
 * rejected); YYMMDD is a real date in that century and not after `today` in Korea (KST,
 * UTC+9) (`birthDate`).
 *
 * The old check digit is deliberately not checked: numbers assigned since October 2020 end in
 * random digits.
 */
export function parseResidentRegistrationNumber(text: string, today: Date): RrnParseResult {
  return ResidentRegistrationNumber.parse(text, today);
}

/**
 * The customer's id everywhere (state, registry, audit, lockout): HMAC-SHA256 of the 13 digits
 * under a configured secret key, hex. Stable across instances and restarts as long as the key
 * is; without the key it cannot be reversed by trying every birth date and serial.
 */
export function customerIdOf(rrn: ResidentRegistrationNumber, key: Buffer): string {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`the customer id key must have at least ${MIN_KEY_BYTES} bytes`);
  return createHmac('sha256', key).update(rrn.revealDigits(), 'utf8').digest('hex');
}

const MIN_KEY_BYTES = 16;

/** 6 digits, then whitespace and at most one dash between the halves, then 7 digits. */
const RRN_PATTERN = /^\s*(\d{6})\s*(?:[-‐‑‒–—−]\s*)?(\d{7})\s*$/u;

const CENTURY_BY_SEVENTH_DIGIT: Readonly<Record<string, { century: number; foreigner: boolean }>> = {
  '1': { century: 1900, foreigner: false },
  '2': { century: 1900, foreigner: false },
  '3': { century: 2000, foreigner: false },
  '4': { century: 2000, foreigner: false },
  '5': { century: 1900, foreigner: true },
  '6': { century: 1900, foreigner: true },
  '7': { century: 2000, foreigner: true },
  '8': { century: 2000, foreigner: true },
};

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

function koreanDateOf(instant: Date): BirthDate {
  const shifted = new Date(instant.getTime() + KST_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function isCalendarDate({ year, month, day }: BirthDate): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isAfter(a: BirthDate, b: BirthDate): boolean {
  return a.year * 10000 + a.month * 100 + a.day > b.year * 10000 + b.month * 100 + b.day;
}
