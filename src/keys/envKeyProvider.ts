import { Keyring, KeyProvider, SealingKey, sealingKeyId } from './keyProvider';

export interface EnvKeys {
  /** SECRETS_KEY: roots keyed hashes for good, and seals while no SEALING_KEY is set. */
  readonly secretsKey: Buffer;
  /** SEALING_KEY: the key a rotation made current. */
  readonly sealingKey?: Buffer;
  /** SEALING_PREVIOUS_KEYS: keys that only open what they sealed, until `npm run keys:rotate` reseals it. */
  readonly previousSealingKeys: readonly Buffer[];
}

/**
 * The sandbox's keys, and any deployment's without a KMS: from the environment. To rotate, an
 * operator sets a new SEALING_KEY and moves the key that sealed until then (SECRETS_KEY the
 * first time) to SEALING_PREVIOUS_KEYS. SECRETS_KEY itself never changes: customer ids hang on it.
 */
export class EnvKeyProvider implements KeyProvider {
  constructor(private readonly keys: EnvKeys) {}

  async load(): Promise<Keyring> {
    const current = sealingKey(this.keys.sealingKey ?? this.keys.secretsKey);
    const previous = this.keys.previousSealingKeys.map(sealingKey).filter((key) => key.id !== current.id);
    return { current, previous, hashingRoot: this.keys.secretsKey };
  }
}

function sealingKey(secret: Buffer): SealingKey {
  return { id: sealingKeyId(secret), secret };
}
