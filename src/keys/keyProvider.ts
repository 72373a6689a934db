import { createHash } from 'node:crypto';

/** A key that seals values, named by the id every value sealed under it carries. */
export interface SealingKey {
  readonly id: string;
  readonly secret: Buffer;
}

/**
 * The keys a SecretBox works with, read once at start so that sealing and opening stay
 * synchronous: the current key seals, the previous ones only open what was sealed before a
 * rotation and not yet resealed (`npm run keys:rotate`).
 */
export interface Keyring {
  readonly current: SealingKey;
  readonly previous: readonly SealingKey[];
  /**
   * The root of keyed hashes (customer ids are a keyed hash of the 주민등록번호). It never
   * rotates: a hash under a new key would name a new customer, and nobody's certificates would
   * be found. It is SECRETS_KEY, which sealed everything before keys rotated.
   */
  readonly hashingRoot: Buffer;
}

/** Where the sealing keys live: the environment, or a KMS that wraps them (envelope encryption). */
export interface KeyProvider {
  load(): Promise<Keyring>;
  /**
   * Makes a new sealing key current and returns its id; the others stay readable. Absent where
   * an operator sets the keys (the environment): there the operator's new SEALING_KEY is the rotation.
   */
  rotate?(): Promise<string>;
}

/** A sealing key's id: the first 8 bytes of its SHA-256, hex. Short, and no help in guessing a 256-bit key. */
export function sealingKeyId(secret: Buffer): string {
  return createHash('sha256').update(secret).digest().subarray(0, 8).toString('hex');
}

/**
 * The CA's signing key, wherever it is kept (a file in the sandbox, a bank's HSM): the CA sees
 * only a signer.
 */
export interface CaSigner {
  /**
   * The issuing certificate's SubjectKeyIdentifier, hex: it is the AuthorityKeyIdentifier of
   * every certificate and CRL this key signs, so each signature names its key.
   */
  readonly keyId: string;
  /** The issuing CA's certificate, DER. */
  readonly certificate: Buffer;
  /** sha256WithRSAEncryption over `data`. */
  sign(data: Buffer): Promise<Buffer>;
}

export interface CaKeyProvider {
  issuingSigner(): Promise<CaSigner>;
}
