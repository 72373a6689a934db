import type { OtpChallenge, OtpPurpose, OtpVerification } from '../src/identity/oneTimePassword';
import type { MobileCarrier } from '../src/identity/phoneNumber';

/** What the identity steps ask of the bot's services; only masked, hashed and sealed data goes in. */
export interface SendCodeInput {
  readonly customerId: string;
  readonly name: string;
  readonly sealedRrn: string;
  readonly carrier: MobileCarrier;
  readonly sealedPhone: string;
  readonly purpose: OtpPurpose;
  /** When the customer asked for a new code: wrong attempts carry over, so resending cannot dodge the limit. */
  readonly previous?: OtpChallenge;
}

export type SendCodeOutput =
  | { readonly status: 'sent'; readonly challenge: OtpChallenge; readonly sandboxCode?: string }
  | { readonly status: 'tooSoon' }
  | { readonly status: 'locked'; readonly until: number };

export interface CheckCodeInput {
  readonly customerId: string;
  readonly challenge: OtpChallenge;
  /** Within this turn only; never put into context. */
  readonly code: string;
}

export type CheckCodeOutput = OtpVerification;
