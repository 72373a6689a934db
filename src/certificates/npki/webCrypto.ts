/**
 * What the certificate code asks of WebCrypto (`globalThis.crypto`), which Node and browsers both
 * have: digests, HMAC, PBKDF2, AES-CBC and random bytes. Every call is native and asynchronous.
 * (PBKDF1, SEED and the PKCS#12 KDF are not in WebCrypto: see pbkdf1.ts, seed.ts, pkcs12.ts.)
 */

/** The hashes WebCrypto has; SHA-224 is not among them. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export type SubtleCrypto = (typeof globalThis.crypto)['subtle'];
/** WebCrypto's key handle (a global in browsers; Node's types have it only under node:crypto). */
export type CryptoKey = Awaited<ReturnType<SubtleCrypto['importKey']>>;

/** WebCrypto takes bytes over an ArrayBuffer, never a SharedArrayBuffer; ours always are (the DOM's types insist). */
export const bufferSource = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes as Uint8Array<ArrayBuffer>;

export function subtle(): SubtleCrypto {
  const available = (globalThis.crypto as typeof globalThis.crypto | undefined)?.subtle;
  // Browsers offer it only in secure contexts (https, or a page on localhost).
  if (available === undefined) throw new Error('WebCrypto is not available here');
  return available;
}

export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, bufferSource(data)));
}

export async function hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const hmacKey = await subtle().importKey('raw', bufferSource(key), { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', hmacKey, bufferSource(data)));
}

/** PBKDF2 (RFC 8018 §5.2) with HMAC over `hash`; `password` is the password's bytes. */
export async function pbkdf2(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  bytes: number,
  hash: HashName,
): Promise<Uint8Array> {
  const baseKey = await subtle().importKey('raw', bufferSource(password), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await subtle().deriveBits({ name: 'PBKDF2', hash, salt: bufferSource(salt), iterations }, baseKey, bytes * 8));
}

/** AES-CBC decryption with PKCS#7 unpadding; rejects when the padding is wrong. */
export async function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  const aesKey = await subtle().importKey('raw', bufferSource(key), 'AES-CBC', false, ['decrypt']);
  return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: bufferSource(iv) }, aesKey, bufferSource(ciphertext)));
}

/** Bytes from the platform's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}
