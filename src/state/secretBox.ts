import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals a value that a flow must carry to a later turn but must never keep in clear (for
 * example the random number R between the password turn and the owner check): AES-256-GCM
 * under a server-side key, so state in Redis holds only ciphertext. Each purpose gets its own
 * derived key, so a value sealed for one purpose never opens as another.
 */
export class SecretBox {
  /** Derived keys by info: HKDF on every seal and open would cost more than the AES itself. */
  private readonly derived = new Map<string, Buffer>();

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length < 32) throw new RangeError('the secrets key must be at least 32 bytes');
  }

  /** A derived key for keyed hashes (e.g. the customer id from a 주민등록번호). */
  hashKey(purpose: string): Buffer {
    return Buffer.from(this.derive(`hash:${purpose}`));
  }

  seal(purpose: string, plaintext: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.derive(`seal:${purpose}`), iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** Undefined when the value was not sealed by this key for this purpose, or was altered. */
  open(purpose: string, sealed: string): Buffer | undefined {
    try {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.derive(`seal:${purpose}`), bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  private derive(info: string): Buffer {
    let key = this.derived.get(info);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.alloc(0), info, 32));
      // Purposes are a fixed set in the code; the bound only guards against a caller that made them up.
      if (this.derived.size < 256) this.derived.set(info, key);
    }
    return key;
  }
}
