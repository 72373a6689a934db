import type { CertificateType } from '../../../dialogs/contract/domain';

/**
 * The bank is the registration authority (RA), not the CA: it registers a verified customer with
 * the CA and gets a reference number and an authorisation code (참조번호, 인가코드), which the
 * customer's device then uses to ask the CA itself (docs/secure-step.md). The sandbox CA is the
 * embedded default; a real CA (its SDK or relay, CMP as KISA profiles it) plugs in here.
 */
export interface CertificateAuthority {
  /** Registers the customer for one certificate; the authorisation is good for one request, for 10 minutes. */
  register(registration: CaRegistration): Promise<CaAuthorization>;
  /**
   * Renewal (갱신) of a certificate the CA issued, authorised by its current key on the RA's side: the
   * CA renews from its own subscriber record (CMP's key update), so the RA needs no 주민등록번호.
   * The same one-use authorisation as `register`'s; rejects when the CA has no such subscriber.
   */
  renew(renewal: CaRenewal): Promise<CaAuthorization>;
  /** Where the device sends its request, and the CA certificate it encrypts R to. */
  readonly endpoint: CaEndpoint;
}

export interface CaRegistration {
  /** The customer's keyed hash: what the RA's records know them by. */
  readonly customerId: string;
  readonly realName: string;
  /** The 주민등록번호 (13 digits): the CA computes the VID from it and the device's R, and keeps neither. */
  readonly idn: string;
  readonly type: CertificateType;
  /** Reissue keeps the old expiry, renewal runs a year past it: the new certificate's last day. */
  readonly notAfter?: Date;
}

export interface CaRenewal {
  /** The customer's keyed hash, as the RA's records know the certificate's owner. */
  readonly customerId: string;
  /** The serial number of the certificate being renewed (lower-case hex, as the CA wrote it). */
  readonly previousSerial: string;
  readonly type: CertificateType;
  /** A year past the old certificate's expiry: the new certificate's last day. */
  readonly notAfter: Date;
}

export interface CaAuthorization {
  readonly referenceNumber: string;
  readonly authCode: string;
}

export interface CaEndpoint {
  /** The issuance endpoint's URL, as the device reaches it. */
  readonly url: string;
  /** The CA's certificate (DER): the device encrypts R to its key. */
  readonly certificate: Uint8Array;
}

/** The CA tells the RA what it issued for a registration: the RA learns "issued: serial, expiry", never R or the key. */
export interface IssuedNotice {
  readonly referenceNumber: string;
  readonly customerId: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The certificate (DER): public, for the registry. */
  readonly certificate: Uint8Array;
}
