import { hkdfSync } from 'node:crypto';
import { gcmOpen, gcmSeal } from '../keys/aesGcm';
import { Keyring, KeyProvider, SealingKey, sealingKeyId } from '../keys/keyProvider';

/** Between a sealed value's key id and its bytes; base64url never contains it. */
const ID_SEPARATOR = '.';

/**
 * Seals a value that a flow must carry to a later turn but must never keep in clear (for
 * example the random number R between the password turn and the owner check): AES-256-GCM
 * under a server-side key, so state in Redis holds only ciphertext. Each purpose gets its own
 * derived key, so a value sealed for one purpose never opens as another.
 *
 * A sealed value is `<key id>.<base64url(iv|tag|ciphertext)>`: it opens with whichever key of the
 * keyring sealed it, so keys rotate without losing what the old ones sealed. Values sealed
 * before key ids (base64url alone) were sealed by SECRETS_KEY and open with any key that fits.
 */
export class SecretBox {
  private readonly current: SealingKey;
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly hashingRoot: Buffer;
  /** Derived keys by root (the keyring's own buffers) and info: HKDF on every seal and open would cost more than the AES itself. */
  private readonly derived = new Map<Buffer, Map<string, Buffer>>();

  /** A keyring, or one key that seals and roots keyed hashes (tests, and SECRETS_KEY alone). */
  constructor(keys: Keyring | Buffer) {
    const keyring = Buffer.isBuffer(keys) ? { current: { id: sealingKeyId(keys), secret: keys }, previous: [], hashingRoot: keys } : keys;
    for (const key of [keyring.hashingRoot, keyring.current.secret, ...keyring.previous.map((k) => k.secret)])
      if (key.length < 32) throw new RangeError('the secrets key must be at least 32 bytes');
    this.current = keyring.current;
    this.keys = new Map([...keyring.previous, keyring.current].map((k) => [k.id, k.secret]));
    this.hashingRoot = keyring.hashingRoot;
  }

  /** A box with the provider's keys, read once. */
  static async load(provider: KeyProvider): Promise<SecretBox> {
    return new SecretBox(await provider.load());
  }

  /** The id that values sealed now carry. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** A derived key for keyed hashes (e.g. the customer id from a 주민등록번호): the same whatever key seals. */
  hashKey(purpose: string): Buffer {
    return Buffer.from(this.derive(this.hashingRoot, `hash:${purpose}`));
  }

  seal(purpose: string, plaintext: Buffer): string {
    const { id, secret } = this.current;
    // The id is bound to the value: changed, the value no longer opens.
    const sealed = gcmSeal(this.derive(secret, `seal:${purpose}`), plaintext, Buffer.from(id));
    return `${id}${ID_SEPARATOR}${sealed.toString('base64url')}`;
  }

  /** Undefined when the value was not sealed by a key of this keyring for this purpose, or was altered. */
  open(purpose: string, sealed: string): Buffer | undefined {
    const at = sealed.indexOf(ID_SEPARATOR);
    if (at < 0) return this.openWithoutId(purpose, sealed);
    const id = sealed.slice(0, at);
    const secret = this.keys.get(id);
    return secret === undefined ? undefined : this.decrypt(secret, purpose, sealed.slice(at + 1), Buffer.from(id));
  }

  /** The id of the key that sealed the value; undefined for a value sealed before key ids. */
  keyIdOf(sealed: string): string | undefined {
    const at = sealed.indexOf(ID_SEPARATOR);
    return at < 0 ? undefined : sealed.slice(0, at);
  }

  /** The value sealed under the current key; undefined when it already is, or does not open. */
  reseal(purpose: string, sealed: string): string | undefined {
    if (this.keyIdOf(sealed) === this.current.id) return undefined;
    const plaintext = this.open(purpose, sealed);
    return plaintext === undefined ? undefined : this.seal(purpose, plaintext);
  }

  private openWithoutId(purpose: string, sealed: string): Buffer | undefined {
    for (const secret of this.keys.values()) {
      const plaintext = this.decrypt(secret, purpose, sealed);
      if (plaintext !== undefined) return plaintext;
    }
    return undefined;
  }

  private decrypt(secret: Buffer, purpose: string, body: string, aad?: Buffer): Buffer | undefined {
    try {
      return gcmOpen(this.derive(secret, `seal:${purpose}`), Buffer.from(body, 'base64url'), aad);
    } catch {
      return undefined;
    }
  }

  private derive(root: Buffer, info: string): Buffer {
    let byInfo = this.derived.get(root);
    if (byInfo === undefined) this.derived.set(root, (byInfo = new Map()));
    let key = byInfo.get(info);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, 32));
      // Purposes are a fixed set in the code; the bound only guards against a caller that made them up.
      if (byInfo.size < 256) byInfo.set(info, key);
    }
    return key;
  }
}
