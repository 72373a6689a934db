import { randomBytes } from 'node:crypto';
import {
  ResidentRegistrationNumber,
  RrnProblem,
  customerIdOf,
  parseResidentRegistrationNumber,
} from '../../src/identity/residentRegistrationNumber';

/** 2025-06-15 12:00 in Korea. */
const TODAY = new Date('2025-06-15T03:00:00Z');

function parse(text: string, today: Date = TODAY): ResidentRegistrationNumber {
  const result = parseResidentRegistrationNumber(text, today);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${result.problem}`);
  return result.value;
}

/** The pre-2020 check digit rule (weights 2–9,2–5; (11 − sum mod 11) mod 10). */
function oldCheckDigitHolds(digits: string): boolean {
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(digits[i]), 0);
  return (11 - (sum % 11)) % 10 === Number(digits[12]);
}

const fullWidth = (s: string): string => s.replace(/[0-9-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(0xff10 + Number(c))));

describe('parseResidentRegistrationNumber accepts', () => {
  test.each([
    ['900101-1234567', '9001011234567', { year: 1990, month: 1, day: 1 }, false],
    ['9001011234567', '9001011234567', { year: 1990, month: 1, day: 1 }, false],
    ['900101 - 1234567', '9001011234567', { year: 1990, month: 1, day: 1 }, false],
    ['  900101 -1234567  ', '9001011234567', { year: 1990, month: 1, day: 1 }, false],
    ['900101 1234567', '9001011234567', { year: 1990, month: 1, day: 1 }, false],
    ['851231-2000000', '8512312000000', { year: 1985, month: 12, day: 31 }, false],
    ['000101-1000000', '0001011000000', { year: 1900, month: 1, day: 1 }, false],
    ['050505-3111111', '0505053111111', { year: 2005, month: 5, day: 5 }, false],
    ['101010-4222222', '1010104222222', { year: 2010, month: 10, day: 10 }, false],
    ['800808-5333333', '8008085333333', { year: 1980, month: 8, day: 8 }, true],
    ['991231-6444444', '9912316444444', { year: 1999, month: 12, day: 31 }, true],
    ['150301-7555555', '1503017555555', { year: 2015, month: 3, day: 1 }, true],
    ['200202-8666666', '2002028666666', { year: 2020, month: 2, day: 2 }, true],
    ['000229-3123456', '0002293123456', { year: 2000, month: 2, day: 29 }, false], // 2000 is a leap year
    ['960229-1123456', '9602291123456', { year: 1996, month: 2, day: 29 }, false],
    ['040229-4123456', '0402294123456', { year: 2004, month: 2, day: 29 }, false],
    ['250615-3123456', '2506153123456', { year: 2025, month: 6, day: 15 }, false], // born today
  ])('%s', (text, digits, birthDate, foreigner) => {
    const rrn = parse(text);
    expect(rrn.revealDigits()).toBe(digits);
    expect(rrn.birthDate).toEqual(birthDate);
    expect(rrn.foreigner).toBe(foreigner);
    expect(rrn.masked).toBe(`${digits.slice(0, 6)}-${digits.charAt(6)}******`);
  });

  test('full-width digits and hyphen (NFKC)', () => {
    expect(parse(fullWidth('900101-1234567')).revealDigits()).toBe('9001011234567');
    expect(parse(fullWidth('9001011234567')).revealDigits()).toBe('9001011234567');
  });

  test('other dashes people paste (‐ – — −)', () => {
    for (const dash of ['‐', '–', '—', '−']) expect(parse(`900101${dash}1234567`).revealDigits()).toBe('9001011234567');
  });

  test('a number assigned since October 2020 whose last digit breaks the old check digit rule', () => {
    const digits = '2103053918264';
    expect(oldCheckDigitHolds(digits)).toBe(false);
    expect(parse(digits).revealDigits()).toBe(digits);
    // and every last digit is accepted, the one the old rule wants among them
    const lastDigits = '0123456789'.split('').map((d) => `900101123456${d}`);
    expect(lastDigits.filter(oldCheckDigitHolds)).toHaveLength(1);
    for (const digits of lastDigits) expect(parse(digits).revealDigits()).toBe(digits);
  });

  test('"today" is the date in Korea: just after midnight KST a number born that day is accepted', () => {
    const justAfterMidnightKst = new Date('2025-06-14T15:30:00Z'); // 2025-06-15 00:30 KST
    expect(parse('250615-4123456', justAfterMidnightKst).birthDate).toEqual({ year: 2025, month: 6, day: 15 });
    const justBeforeMidnightKst = new Date('2025-06-14T14:30:00Z'); // 2025-06-14 23:30 KST
    expect(parseResidentRegistrationNumber('250615-4123456', justBeforeMidnightKst)).toEqual({ ok: false, problem: 'birthDate' });
  });
});

describe('parseResidentRegistrationNumber rejects', () => {
  test.each<[string, string, RrnProblem]>([
    ['month 13', '901301-1234567', 'birthDate'],
    ['month 00', '900001-1234567', 'birthDate'],
    ['day 00', '900100-1234567', 'birthDate'],
    ['day 32', '900132-1234567', 'birthDate'],
    ['April 31', '900431-1234567', 'birthDate'],
    ['0229 in 1900 (not a leap year)', '000229-1234567', 'birthDate'],
    ['0229 in 1997', '970229-2234567', 'birthDate'],
    ['0229 in 2005', '050229-3234567', 'birthDate'],
    ['0229 in 2023 (foreigner)', '230229-7234567', 'birthDate'],
    ['a future birth date', '250616-3234567', 'birthDate'],
    ['2099 (7th digit 3 puts 99 in the 2000s)', '990101-3234567', 'birthDate'],
    ['7th digit 0', '900101-0234567', 'genderDigit'],
    ['7th digit 9', '900101-9234567', 'genderDigit'],
    ['12 digits', '900101-123456', 'format'],
    ['14 digits', '900101-12345678', 'format'],
    ['13 digits split wrongly', '9001-011234567', 'format'],
    ['two hyphens', '900101--1234567', 'format'],
    ['letters', '90010a-1234567', 'format'],
    ['masked form', '900101-1******', 'format'],
    ['words around it', '제 번호는 900101-1234567', 'format'],
    ['empty', '', 'format'],
  ])('%s: %s → %s', (_why, text, problem) => {
    expect(parseResidentRegistrationNumber(text, TODAY)).toEqual({ ok: false, problem });
  });
});

describe('ResidentRegistrationNumber', () => {
  test('birthDateDigits gives YYMMDD and YYYYMMDD for the password rule', () => {
    expect(parse('900101-1234567').birthDateDigits).toEqual({ yymmdd: '900101', yyyymmdd: '19900101' });
    expect(parse('050505-4234567').birthDateDigits).toEqual({ yymmdd: '050505', yyyymmdd: '20050505' });
  });

  test('is frozen', () => {
    const rrn = parse('900101-1234567');
    expect(Object.isFrozen(rrn)).toBe(true);
    expect(Object.isFrozen(rrn.birthDate)).toBe(true);
    expect(() => {
      (rrn as unknown as { masked: string }).masked = 'x';
    }).toThrow(TypeError);
  });
});

describe('customerIdOf', () => {
  const key = randomBytes(32);

  test('is a stable keyed HMAC-SHA256 in hex, the same however the number was typed', () => {
    const id = customerIdOf(parse('900101-1234567'), key);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(customerIdOf(parse('９００１０１ １２３４５６７'), key)).toBe(id);
  });

  test('differs per number and per key, and does not contain the digits', () => {
    const id = customerIdOf(parse('900101-1234567'), key);
    expect(customerIdOf(parse('900101-1234568'), key)).not.toBe(id);
    expect(customerIdOf(parse('900101-1234567'), randomBytes(32))).not.toBe(id);
    expect(id).not.toContain('1234567');
  });

  test('refuses a missing or short key', () => {
    expect(() => customerIdOf(parse('900101-1234567'), Buffer.alloc(0))).toThrow(RangeError);
    expect(() => customerIdOf(parse('900101-1234567'), Buffer.alloc(8))).toThrow(RangeError);
  });
});
