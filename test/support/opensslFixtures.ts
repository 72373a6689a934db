import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
export { FIXTURE_IDN, FIXTURE_NAME, FIXTURE_PASSWORD } from './globalSetup';

/** The folder of certificates made by test/fixtures/make-other-bank-fixtures.sh for this run. */
export function fixtureDir(): string {
  const dir = process.env.JCA_OPENSSL_FIXTURES;
  if (dir === undefined) throw new Error('fixtures missing: jest globalSetup did not run');
  return dir;
}

export function fixture(file: string): Buffer {
  return readFileSync(join(fixtureDir(), file));
}

/** OpenSSL's own reading of an encrypted signPri.key (SEED needs the legacy provider): the key as PEM, or a throw. */
export function opensslDecryptsKey(file: string, password: string): string {
  const args = ['pkcs8', '-inform', 'DER', '-in', file, '-passin', `pass:${password}`, '-provider', 'legacy', '-provider', 'default'];
  return execFileSync('openssl', args, { encoding: 'utf8' });
}
