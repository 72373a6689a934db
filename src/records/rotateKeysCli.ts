import { existsSync } from 'node:fs';
import { loadConfig } from '../config/config';
import { createLogger, Logger } from '../logging/logger';
import { keyProviderFor } from '../keys/keyProviderFor';
import { resealablesFor } from './resealables';
import { rotateKeys } from './keyRotation';

const USAGE = 'usage: rotateKeysCli [--new-key]\n';

/**
 * `npm run keys:rotate` reseals every durable value under the current sealing key; afterwards
 * the previous keys can be retired. `npm run keys:rotate -- --new-key` is the first step of a
 * rotation with a KMS: it makes a new data key current, after which every instance is restarted and the
 * command is run again without the flag. (With keys in the environment the first step is the
 * operator's: a new SEALING_KEY, the old one in SEALING_PREVIOUS_KEYS.) Returns the exit code.
 */
export async function runRotateKeysCli(args: readonly string[], env: NodeJS.ProcessEnv, logger?: Logger): Promise<number> {
  const newKey = args[0] === '--new-key';
  if (args.length > (newKey ? 1 : 0)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig(env);
  const log = logger ?? createLogger(config.logLevel);
  if (config.secretsKey === undefined) {
    log.error('SECRETS_KEY is not set: there is nothing durable to reseal');
    return 1;
  }
  const provider = await keyProviderFor(config, config.secretsKey);
  if (newKey) {
    if (provider.rotate === undefined) {
      log.error('keys come from the environment: set a new SEALING_KEY and move the old one to SEALING_PREVIOUS_KEYS');
      return 1;
    }
    const keyId = await provider.rotate();
    log.info({ keyId }, 'a new sealing key is current: restart every instance, then run npm run keys:rotate to reseal');
    return 0;
  }
  const { stores, audit } = await resealablesFor(config, config.secretsKey);
  const report = await rotateKeys(provider, stores, log);
  await audit(report);
  return report.unreadable > 0 ? 1 : 0;
}

if (require.main === module) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  runRotateKeysCli(process.argv.slice(2), process.env).then(
    // Stores may hold connections open; the work is done.
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
