import type { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, SeenReply } from './customer';

export const CUSTOMER = { name: '홍길동', rrn: '900101-1234567', carrier: 'SKT', phone: '010-2468-1357', phoneDigits: '01024681357' } as const;

/** Starts a journey and goes through 본인 인증 with the sandbox's code; returns the replies to the code. */
export async function verifyIdentity(customer: Customer, otp: CapturingOtpSender, start: string): Promise<SeenReply[]> {
  for (const input of [start, CUSTOMER.name, CUSTOMER.rrn, CUSTOMER.carrier, CUSTOMER.phone]) await customer.say(input);
  return customer.say(otp.lastCodeFor(CUSTOMER.phoneDigits) ?? 'no code was sent');
}
