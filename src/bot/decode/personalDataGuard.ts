import type { ProtectedInput, RecognizedInput } from '../../../dialogs/contract/events';
import { parseMobileNumber } from '../../identity/phoneNumber';
import { parseResidentRegistrationNumber } from '../../identity/residentRegistrationNumber';
import { looksLikePassword } from '../../identity/freeTextRedaction';

/**
 * A 주민등록번호, mobile number or password typed into the chat anyway: the chat never takes them
 * (they belong on the secure page), so the digits are replaced by their masked form, and a
 * password is known only as one, before anything else sees the message.
 */
export class PersonalDataGuard {
  constructor(private readonly today: () => Date = () => new Date()) {}

  /** Before recognition: "Help#2026ab!" is a password, not a request for help. */
  static passwordLike(text: string): ProtectedInput | undefined {
    const token = text.trim();
    return token.length >= 8 && token.length <= 64 && !/\s/.test(token) && looksLikePassword(token) ? { type: 'PASSWORD_LIKE' } : undefined;
  }

  protect(input: RecognizedInput): RecognizedInput | ProtectedInput {
    if (input.type !== 'TEXT') return input;
    const digits = input.text.normalize('NFKC').replace(/[\s-]/g, '');
    if (!/^\+?\d+$/.test(digits)) return input;
    if (/^\d{13}$/.test(digits)) {
      const parsed = parseResidentRegistrationNumber(digits, this.today());
      return parsed.ok ? { type: 'RRN', masked: parsed.value.masked } : { type: 'RRN_INVALID', problem: parsed.problem };
    }
    const phone = parseMobileNumber(digits);
    return phone.ok ? { type: 'PHONE', masked: phone.value.masked } : input;
  }
}
