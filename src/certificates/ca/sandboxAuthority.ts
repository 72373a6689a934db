import { randomBytes } from 'node:crypto';
import { issuanceMacKey } from '../../device/issuanceProtocol';
import type { CaAuthorization, CaEndpoint, CaRegistration, CaRenewal, CertificateAuthority } from './certificateAuthority';
import type { CaRegistrations } from './caRegistrations';
import type { CaSubscribers } from './caSubscribers';
import { normalizeSerial } from './certificateRevocationList';
import type { SandboxCa } from './sandboxCa';

/** How long a registration's authorisation code works: one request, within 10 minutes. */
export const AUTHORIZATION_TTL_MS = 10 * 60_000;
/** Random reference numbers collide practically never; a store that keeps refusing is broken (or full). */
const REFERENCE_ATTEMPTS = 5;

/**
 * The sandbox CA's RA side: it keeps what the bank registered, for one request of the device to
 * its issuance endpoint (issuanceEndpoint.ts), and hands out the reference number and the
 * authorisation code the device proves it was given. A renewal is registered from the subscriber
 * record the endpoint kept when it issued the certificate being renewed.
 */
export class SandboxAuthority implements CertificateAuthority {
  private readonly certificate: Uint8Array;

  constructor(
    private readonly ca: SandboxCa,
    private readonly registrations: CaRegistrations,
    private readonly subscribers: CaSubscribers,
    /** Where the device reaches the issuance endpoint; asked each time, since the port may be known only once listening. */
    private readonly endpointUrl: () => string,
  ) {
    this.certificate = new Uint8Array(ca.issuingCertificate.raw);
  }

  get endpoint(): CaEndpoint {
    return { url: this.endpointUrl(), certificate: this.certificate };
  }

  async register(registration: CaRegistration): Promise<CaAuthorization> {
    // The VID needs it at issuance; a wrong one is the RA's error, said now rather than to the device.
    if (!/^[0-9]{13}$/.test(registration.idn)) throw new Error('the registration needs the 13 digits of the 주민등록번호');
    // 128 bits each: neither can be guessed within the authorisation's life.
    const authCode = randomBytes(16).toString('base64url');
    for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
      const referenceNumber = randomBytes(16).toString('hex');
      // The CA keeps the MAC key derived from the code, not the code: the derivation runs once, here.
      const macKey = await issuanceMacKey(authCode, referenceNumber);
      if (await this.registrations.add(referenceNumber, { ...registrationOf(registration), macKey }, AUTHORIZATION_TTL_MS))
        return { referenceNumber, authCode };
    }
    throw new Error('the CA could not keep the registration');
  }

  async renew(renewal: CaRenewal): Promise<CaAuthorization> {
    const serialNumber = normalizeSerial(renewal.previousSerial);
    const subscriber = await this.subscribers.find(serialNumber);
    // The CA renews only what it issued to that customer, and only while it is still good.
    if (subscriber === undefined || subscriber.customerId !== renewal.customerId)
      throw new Error('the CA has no subscriber record of that certificate for that customer');
    if ((await this.ca.revocationStatus(serialNumber)) !== 'good') throw new Error('the certificate to renew is not good at the CA');
    const { customerId, realName, idn } = subscriber;
    return this.register({ customerId, realName, idn, type: renewal.type, notAfter: renewal.notAfter });
  }
}

/** Exactly the registration's fields, so nothing else a caller passed along is kept. */
function registrationOf({ customerId, realName, idn, type, notAfter }: CaRegistration): CaRegistration {
  return { customerId, realName, idn, type, ...(notAfter !== undefined && { notAfter }) };
}
