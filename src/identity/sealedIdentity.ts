import { z } from 'zod';
import { MOBILE_CARRIERS, type MobileCarrier, type VerifiedIdentity } from '../../dialogs/contract/domain';
import type { SecretBox } from '../state/secretBox';
import { MobileNumber } from './phoneNumber';
import { customerIdOf, ResidentRegistrationNumber } from './residentRegistrationNumber';

/** The SecretBox purposes of a customer's 주민등록번호 and phone number, wherever they are sealed (chat, secure page, the app's claims). */
export const SEAL = { rrn: 'rrn', phone: 'phone' } as const;

/** The key of `customerIdOf`: one purpose everywhere, so a customer has one id however they were identified. */
export function customerIdKey(box: SecretBox): Buffer {
  return box.hashKey('customer-id');
}

/** A VerifiedIdentity read back from where it was kept (a ticket, a conversation's claims): checked, never trusted blindly. */
export const VerifiedIdentitySchema = z.object({
  name: z.string().min(1).max(100),
  customerId: z.string().regex(/^[0-9a-f]{64}$/),
  maskedRrn: z.string().max(20),
  birthDate: z
    .array(z.string().regex(/^\d{6,8}$/))
    .max(2)
    .readonly(),
  sealedRrn: z.string().min(1).max(200),
  carrier: z.custom<MobileCarrier>((value) => (MOBILE_CARRIERS as readonly unknown[]).includes(value)),
  maskedPhone: z.string().max(20),
  sealedPhone: z.string().min(1).max(200),
}) satisfies z.ZodType<VerifiedIdentity>;

/** A customer whose details were checked (parsed, and verified by whoever vouches for them). */
export interface IdentifiedCustomer {
  readonly name: string;
  readonly rrn: ResidentRegistrationNumber;
  readonly phone: MobileNumber;
  readonly carrier: MobileCarrier;
}

/** What may be kept of a verified customer: the keyed-hash id, masked forms and sealed values, never the digits. */
export function sealIdentity(box: SecretBox, customer: IdentifiedCustomer): VerifiedIdentity {
  const { rrn, phone } = customer;
  return {
    name: customer.name,
    customerId: customerIdOf(rrn, customerIdKey(box)),
    maskedRrn: rrn.masked,
    birthDate: [rrn.birthDateDigits.yymmdd, rrn.birthDateDigits.yyyymmdd],
    sealedRrn: box.seal(SEAL.rrn, Buffer.from(rrn.revealDigits())),
    carrier: customer.carrier,
    maskedPhone: phone.masked,
    sealedPhone: box.seal(SEAL.phone, Buffer.from(phone.digits)),
  };
}

/** The phone number sealed with `SEAL.phone`, for the one call that needs its digits. */
export function unsealPhone(box: SecretBox, sealed: string): MobileNumber {
  const parsed = MobileNumber.parse(box.open(SEAL.phone, sealed)?.toString() ?? '');
  if (!parsed.ok) throw new Error('sealed phone number did not open');
  return parsed.value;
}

/** The 주민등록번호 sealed with `SEAL.rrn`, for the one call that needs its digits (the VID, the CA's registration). */
export function unsealRrn(box: SecretBox, sealed: string, now: Date): ResidentRegistrationNumber {
  const parsed = ResidentRegistrationNumber.parse(box.open(SEAL.rrn, sealed)?.toString() ?? '', now);
  if (!parsed.ok) throw new Error('sealed resident registration number did not open');
  return parsed.value;
}
