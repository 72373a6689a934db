import type { Config } from '../config/config';
import { EnvelopeKeyProvider } from './envelopeKeyProvider';
import { EnvKeyProvider } from './envKeyProvider';
import type { KeyProvider } from './keyProvider';
import { SandboxKms } from './sandboxKms';
import { WrappedKeyFile } from './wrappedKeyFile';

/** The key provider KEY_PROVIDER names; `secretsKey` is SECRETS_KEY (or the process's own key without it). */
export async function keyProviderFor(config: Config, secretsKey: Buffer): Promise<KeyProvider> {
  if (config.keys.provider === 'env')
    return new EnvKeyProvider({ secretsKey, sealingKey: config.keys.sealingKey, previousSealingKeys: config.keys.previousSealingKeys });
  const kms = await SandboxKms.fromFile(config.keys.sandboxKmsKeyFile);
  return new EnvelopeKeyProvider({
    kms,
    masterKeyId: kms.masterKeyId,
    store: new WrappedKeyFile(config.keys.keyringFile),
    hashingRoot: secretsKey,
  });
}
