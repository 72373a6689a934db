import { Keyring, KeyProvider, SealingKey, sealingKeyId } from './keyProvider';

/**
 * What a bank's HSM or KMS adapter fills: data keys made and unwrapped under a master key that
 * never leaves the HSM/KMS.
 */
export interface KeyManagementService {
  /** A fresh 32-byte data key, in clear (kept in memory only) and wrapped under the master key. */
  generateDataKey(masterKeyId: string): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  /** The data key in clear; throws when `wrapped` was not wrapped under that master key. */
  decrypt(masterKeyId: string, wrapped: Buffer): Promise<Buffer>;
}

/** A data key as stored: wrapped, never in clear. */
export interface WrappedDataKey {
  /** The id of the data key (its plaintext's sealingKeyId), carried by every value it seals. */
  readonly id: string;
  /** The master key that wrapped it: after the master key changes, older data keys still unwrap with theirs. */
  readonly masterKeyId: string;
  readonly wrapped: Buffer;
  readonly createdAt: string;
}

export interface WrappedKeyring {
  /** The id of the data key that seals. */
  readonly current: string;
  readonly keys: readonly WrappedDataKey[];
}

/** Where the wrapped data keys are kept, shared by every instance. */
export interface WrappedKeyStore {
  /** Undefined before the first data key. */
  read(): Promise<WrappedKeyring | undefined>;
  /** Stores the first keyring unless another instance stored one first; returns the one stored. */
  initialize(first: WrappedKeyring): Promise<WrappedKeyring>;
  /** Replaces the keyring in one step: a reader sees the old one or the new one, never a mix. */
  replace(keyring: WrappedKeyring): Promise<void>;
}

export interface EnvelopeKeyProviderOptions {
  readonly kms: KeyManagementService;
  /** The master key that wraps new data keys. */
  readonly masterKeyId: string;
  readonly store: WrappedKeyStore;
  /** SECRETS_KEY: keyed hashes stay on it whatever data key seals (see Keyring.hashingRoot). */
  readonly hashingRoot: Buffer;
}

/**
 * Envelope encryption: values are sealed under data keys, data keys are kept wrapped by the
 * KMS's master key and unwrapped into memory once at start. The first start makes the first
 * data key; `rotate` makes a new one current, the older ones staying readable.
 */
export class EnvelopeKeyProvider implements KeyProvider {
  constructor(private readonly options: EnvelopeKeyProviderOptions) {}

  async load(): Promise<Keyring> {
    const { store, kms, hashingRoot } = this.options;
    const stored = (await store.read()) ?? (await store.initialize(await this.firstKeyring()));
    const keys = await Promise.all(stored.keys.map(async (key) => unwrapped(key, await kms.decrypt(key.masterKeyId, key.wrapped))));
    const current = keys.find((key) => key.id === stored.current);
    if (current === undefined) throw new Error(`the keyring names ${stored.current} as current but does not hold it`);
    return { current, previous: keys.filter((key) => key !== current), hashingRoot };
  }

  async rotate(): Promise<string> {
    const stored = await this.options.store.read();
    if (stored === undefined) return (await this.options.store.initialize(await this.firstKeyring())).current;
    const key = await this.newDataKey();
    await this.options.store.replace({ current: key.id, keys: [...stored.keys, key] });
    return key.id;
  }

  private async firstKeyring(): Promise<WrappedKeyring> {
    const key = await this.newDataKey();
    return { current: key.id, keys: [key] };
  }

  private async newDataKey(): Promise<WrappedDataKey> {
    const { masterKeyId, kms } = this.options;
    const { plaintext, wrapped } = await kms.generateDataKey(masterKeyId);
    return { id: sealingKeyId(plaintext), masterKeyId, wrapped, createdAt: new Date().toISOString() };
  }
}

/** A data key in clear, checked against its id so that a wrong unwrapping cannot seal under a false name. */
function unwrapped(key: WrappedDataKey, plaintext: Buffer): SealingKey {
  if (sealingKeyId(plaintext) !== key.id) throw new Error(`data key ${key.id} did not unwrap to itself`);
  return { id: key.id, secret: plaintext };
}
