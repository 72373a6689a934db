/**
 * The rules for a new certificate password, as Korean banks state them. Every broken rule is
 * reported, so the customer can fix them all at once.
 */
export type PasswordRule =
  | 'tooShort' // at least 10 characters
  | 'tooLong' // at most 56, what NPKI software accepts
  | 'missingLetter'
  | 'missingDigit'
  | 'missingSpecial'
  | 'forbiddenCharacter' // ' " \ |
  | 'sequence' // three in a row up or down: 123, abc, 321
  | 'repeated' // the same character three times: 111, aaa
  | 'containsBirthDate'
  | 'containsPhoneNumber';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 56;

/** What the password must not contain, from the verified customer. */
export interface PersonalDigits {
  /** e.g. ['900101', '19900101']. */
  readonly birthDate: readonly string[];
  /** The phone's digits, e.g. '01012345678'; its 4-digit groups count too. */
  readonly phone?: string;
}

export function brokenPasswordRules(password: string, personal: PersonalDigits): PasswordRule[] {
  const broken: PasswordRule[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) broken.push('tooShort');
  if ([...password].length > MAX_PASSWORD_LENGTH) broken.push('tooLong');
  if (!/[A-Za-z]/.test(password)) broken.push('missingLetter');
  if (!/[0-9]/.test(password)) broken.push('missingDigit');
  if (!/[^A-Za-z0-9\s'"\\|]/.test(password)) broken.push('missingSpecial');
  if (/['"\\|]/.test(password)) broken.push('forbiddenCharacter');
  if (hasSequence(password)) broken.push('sequence');
  if (/(.)\1\1/.test(password)) broken.push('repeated');
  if (personal.birthDate.some((digits) => digits !== '' && password.includes(digits))) broken.push('containsBirthDate');
  if (phoneParts(personal.phone).some((digits) => password.includes(digits))) broken.push('containsPhoneNumber');
  return broken;
}

/** Three consecutive letters or digits that step by one, up or down (case-insensitive). */
function hasSequence(password: string): boolean {
  const codes = [...password.toLowerCase()].map((c) => (/[a-z0-9]/.test(c) ? c.charCodeAt(0) : NaN));
  for (let i = 2; i < codes.length; i++) {
    const [a, b, c] = [codes[i - 2] ?? NaN, codes[i - 1] ?? NaN, codes[i] ?? NaN];
    const step = b - a;
    if ((step === 1 || step === -1) && c - b === step && sameClass(a, c)) return true;
  }
  return false;
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const sameClass = (a: number, b: number) => isDigit(a) === isDigit(b);

/** The whole number and its middle and last groups (010-1234-5678 → 01012345678, 1234, 5678). */
function phoneParts(phone: string | undefined): string[] {
  if (phone === undefined || phone.length < 10) return [];
  return [phone, phone.slice(3, -4), phone.slice(-4)];
}
