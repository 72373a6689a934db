import type { ProtectedInput, RecognizedInput } from '../../../dialogs/contract/events';
import { parseMobileNumber } from '../../identity/phoneNumber';
import { customerIdOf, parseResidentRegistrationNumber } from '../../identity/residentRegistrationNumber';
import type { SecretBox } from '../../state/secretBox';
import { sealUploads } from './uploadedFiles';

export const SEAL = { rrn: 'rrn', phone: 'phone' } as const;

/**
 * Turns a typed 주민등록번호 or mobile number (and uploaded certificate files) into what the flow may keep: a keyed-hash customer
 * id, masked forms and sealed values. Runs on every message, so the digits never reach the flow,
 * its state or its replies. Anything else passes through.
 */
export class PersonalDataGuard {
  private readonly customerKey: Buffer;

  constructor(
    private readonly box: SecretBox,
    private readonly today: () => Date = () => new Date(),
  ) {
    this.customerKey = box.hashKey('customer-id');
  }

  protect(input: RecognizedInput): RecognizedInput | ProtectedInput {
    if (input.type === 'ATTACHMENTS') return sealUploads(input, this.box);
    if (input.type !== 'TEXT') return input;
    const digits = input.text.normalize('NFKC').replace(/[\s-]/g, '');
    if (!/^\+?\d+$/.test(digits)) return input;
    if (/^\d{13}$/.test(digits)) {
      const parsed = parseResidentRegistrationNumber(digits, this.today());
      if (!parsed.ok) return { type: 'RRN_INVALID', problem: parsed.problem };
      const rrn = parsed.value;
      return {
        type: 'RRN',
        customerId: customerIdOf(rrn, this.customerKey),
        masked: rrn.masked,
        birthDate: [rrn.birthDateDigits.yymmdd, rrn.birthDateDigits.yyyymmdd],
        sealed: this.box.seal(SEAL.rrn, Buffer.from(rrn.revealDigits())),
      };
    }
    const phone = parseMobileNumber(digits);
    if (phone.ok) return { type: 'PHONE', masked: phone.value.masked, sealed: this.box.seal(SEAL.phone, Buffer.from(phone.value.digits)) };
    return input;
  }

  /** True when the message carried data the channel should delete from its history, where it can. */
  static isSensitive(input: RecognizedInput | ProtectedInput): boolean {
    return input.type === 'RRN' || input.type === 'RRN_INVALID' || input.type === 'PHONE' || input.type === 'FILES';
  }
}
