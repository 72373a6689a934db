/**
 * The customer's key pair and R, made on their device with WebCrypto (docs/secure-step.md): an
 * RSA-2048 signing key, extractable so that it can be encrypted into signPri.key and the PFX, and
 * R, the 20 random bytes the CA binds the certificate's VID to. Neither ever leaves the device in
 * clear: R only encrypted to the CA.
 */
import { bufferSource, type CryptoKey, randomBytes, subtle } from '../certificates/npki/webCrypto';

export interface DeviceKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** The signatures a certification request and a possession proof carry: RSASSA-PKCS1-v1_5 with SHA-256. */
export const SIGNATURE_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** What NPKI CAs issue for: RSA-2048, e = 65537. */
const KEY_GENERATION = { ...SIGNATURE_ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };

/** R's length, as KISA's profile has it. */
export const RANDOM_NUM_BYTES = 20;

export async function generateDeviceKeyPair(): Promise<DeviceKeyPair> {
  const { privateKey, publicKey } = await subtle().generateKey(KEY_GENERATION, true, ['sign', 'verify']);
  return { privateKey, publicKey };
}

export function newRandomNum(): Uint8Array {
  return randomBytes(RANDOM_NUM_BYTES);
}

/** The public key as a SubjectPublicKeyInfo (DER). */
export async function publicKeyInfo(keyPair: DeviceKeyPair): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey('spki', keyPair.publicKey));
}

/** The private key as a PrivateKeyInfo (DER) without attributes, as WebCrypto exports it. */
export async function privateKeyPkcs8(keyPair: DeviceKeyPair): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey('pkcs8', keyPair.privateKey));
}

export async function signWith(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(SIGNATURE_ALGORITHM.name, privateKey, bufferSource(data)));
}
