import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeKeyProvider } from '../../src/keys/envelopeKeyProvider';
import { rotateKeys } from '../../src/records/keyRotation';
import { SandboxKms } from '../../src/keys/sandboxKms';
import { WrappedKeyFile } from '../../src/keys/wrappedKeyFile';
import { createLogger } from '../../src/logging/logger';
import { SecretBox } from '../../src/state/secretBox';
import { MemoryVault } from './memoryVault';

const secretsKey = randomBytes(32);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyring-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A provider as an instance builds it at start: the master key file and the keyring file it shares with the others. */
async function instance(kmsFile = join(dir, 'kms.key')): Promise<EnvelopeKeyProvider> {
  const kms = await SandboxKms.fromFile(kmsFile);
  return new EnvelopeKeyProvider({
    kms,
    masterKeyId: kms.masterKeyId,
    store: new WrappedKeyFile(join(dir, 'keyring.json')),
    hashingRoot: secretsKey,
  });
}

test('the keyring file holds the data keys wrapped, never in clear', async () => {
  const keyring = await (await instance()).load();
  await (await instance()).rotate();
  const rotated = await (await instance()).load();
  const file = await readFile(join(dir, 'keyring.json'), 'utf8');
  expect(JSON.parse(file).keys).toHaveLength(2);
  for (const { secret } of [keyring.current, rotated.current]) {
    for (const encoding of ['base64', 'base64url', 'hex'] as const) expect(file).not.toContain(secret.toString(encoding));
  }
});

test('another instance reading the same keyring opens what the first sealed', async () => {
  const first = await SecretBox.load(await instance());
  const sealed = first.seal('ca-subscriber', Buffer.from('홍길동'));
  const second = await SecretBox.load(await instance());
  expect(second.currentKeyId).toBe(first.currentKeyId);
  expect(second.open('ca-subscriber', sealed)?.toString('utf8')).toBe('홍길동');
});

test('instances starting together agree on the first data key', async () => {
  const [a, b] = await Promise.all([instance(), instance()]);
  const [ka, kb] = await Promise.all([a.load(), b.load()]);
  expect(ka.current.id).toBe(kb.current.id);
});

test('without the master key that wrapped them, the data keys do not load', async () => {
  await (await instance()).load();
  await expect((await instance(join(dir, 'other-kms.key'))).load()).rejects.toThrow();
});

test('a rotation makes a new data key current; what the old one sealed opens, and is resealed under the new one', async () => {
  const before = await SecretBox.load(await instance());
  const vault = new MemoryVault();
  vault.values.set('subscriber', { purpose: 'ca-subscriber', sealed: before.seal('ca-subscriber', Buffer.from('김철수')) });

  const newKeyId = await (await instance()).rotate();
  expect(newKeyId).not.toBe(before.currentKeyId);
  const after = await SecretBox.load(await instance());
  expect(after.currentKeyId).toBe(newKeyId);
  expect(after.hashKey('customer')).toEqual(before.hashKey('customer'));

  expect(await rotateKeys(await instance(), [vault], createLogger('silent'))).toEqual({ keyId: newKeyId, resealed: 1, unreadable: 0 });
  const resealed = vault.values.get('subscriber')!.sealed;
  expect(after.keyIdOf(resealed)).toBe(newKeyId);
  expect(after.open('ca-subscriber', resealed)?.toString('utf8')).toBe('김철수');
});
