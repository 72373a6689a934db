/**
 * The device's request to the CA's issuance endpoint and its answer (docs/secure-step.md, "The CA"),
 * shared by the device that sends it and the CA that checks it, so both compute the MAC alike.
 *
 * The MAC is password-based, as CMP's is: HMAC-SHA256 over the UTF-8 JSON text of
 * `{referenceNumber, certificationRequest, encryptedRandom}` in that order, keyed by
 * PBKDF2-SHA256(authCode, salt = referenceNumber, 10,000 iterations, 32 bytes).
 */
import { utf8Bytes } from '../certificates/npki/bytes';
import { hmac, pbkdf2 } from '../certificates/npki/webCrypto';

/** What the device posts, each value base64 (standard alphabet, padded). */
export interface IssuanceRequestBody {
  readonly referenceNumber: string;
  /** DER PKCS#10, signed with the new key. */
  readonly certificationRequest: string;
  /** RSA-OAEP-SHA256 of R to the CA certificate's key. */
  readonly encryptedRandom: string;
  readonly mac: string;
}

/** What the CA answers: the certificate and its chain up to (not including) the root, DER in base64. */
export interface IssuanceAnswer {
  readonly certificate: string;
  readonly chain: readonly string[];
}

export const MAC_ITERATIONS = 10_000;
const MAC_KEY_BYTES = 32;

/** The MAC key for one registration; the CA may derive it once, at registration, and keep it instead of the code. */
export function issuanceMacKey(authCode: string, referenceNumber: string): Promise<Uint8Array> {
  return pbkdf2(utf8Bytes(authCode), utf8Bytes(referenceNumber), MAC_ITERATIONS, MAC_KEY_BYTES, 'SHA-256');
}

/** HMAC-SHA256 over the exact JSON text of the MAC'd fields (the body carries it in base64). */
export function issuanceMac(macKey: Uint8Array, body: Omit<IssuanceRequestBody, 'mac'>): Promise<Uint8Array> {
  const text = JSON.stringify({
    referenceNumber: body.referenceNumber,
    certificationRequest: body.certificationRequest,
    encryptedRandom: body.encryptedRandom,
  });
  return hmac('SHA-256', macKey, utf8Bytes(text));
}
