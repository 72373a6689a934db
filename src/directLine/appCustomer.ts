import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import { parseCarrier, parseMobileNumber } from '../identity/phoneNumber';
import { parseResidentRegistrationNumber } from '../identity/residentRegistrationNumber';
import { sealIdentity, VerifiedIdentitySchema } from '../identity/sealedIdentity';
import type { SecretBox } from '../state/secretBox';
import { parseStored } from '../state/storedJson';
import type { AppCustomerClaims } from './directLineSchemas';

/** The SecretBox purpose of the claims kept with a conversation. */
const SEALED_AS = 'app-customer';

/**
 * The bank's app's customer, bound to a Direct Line conversation: the claims its backend passed
 * with `tokens/generate`, read by the identity parsers once, then kept sealed as a whole (name
 * included), so the conversation's record holds nothing readable. The bot reads them back as a
 * VerifiedIdentity and skips 본인 인증.
 */
export class AppCustomers {
  constructor(
    private readonly box: SecretBox,
    private readonly today: () => Date,
  ) {}

  /** The claims sealed for keeping, or which of them is not what it should be. */
  seal(claims: AppCustomerClaims): { readonly sealed: string } | { readonly invalid: 'rrn' | 'phone' | 'carrier' } {
    const rrn = parseResidentRegistrationNumber(claims.rrn, this.today());
    if (!rrn.ok) return { invalid: 'rrn' };
    const phone = parseMobileNumber(claims.phone);
    if (!phone.ok) return { invalid: 'phone' };
    const carrier = parseCarrier(claims.carrier);
    if (!carrier.ok) return { invalid: 'carrier' };
    const identity = sealIdentity(this.box, {
      name: claims.name.normalize('NFC'),
      rrn: rrn.value,
      phone: phone.value,
      carrier: carrier.value,
    });
    return { sealed: this.box.seal(SEALED_AS, Buffer.from(JSON.stringify(identity))) };
  }

  /** The identity sealed by `seal`; undefined if it does not open (another key, altered). */
  open(sealed: string): VerifiedIdentity | undefined {
    return parseStored(VerifiedIdentitySchema, this.box.open(SEALED_AS, sealed)?.toString());
  }
}
