import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { EnvKeyProvider } from '../../src/keys/envKeyProvider';
import { sealingKeyId } from '../../src/keys/keyProvider';
import { rotateKeys } from '../../src/records/keyRotation';
import { createLogger } from '../../src/logging/logger';
import { SecretBox } from '../../src/state/secretBox';
import { MemoryVault } from './memoryVault';

const logger = createLogger('silent');
const secretsKey = randomBytes(32);
const keyA = randomBytes(32);
const keyB = randomBytes(32);

const underA = new EnvKeyProvider({ secretsKey, sealingKey: keyA, previousSealingKeys: [] });
const rotatedToB = new EnvKeyProvider({ secretsKey, sealingKey: keyB, previousSealingKeys: [keyA, secretsKey] });
const onlyB = new EnvKeyProvider({ secretsKey, sealingKey: keyB, previousSealingKeys: [] });

const PLAIN: Record<string, { purpose: string; text: string }> = {
  subscriber1: { purpose: 'ca-subscriber', text: '{"realName":"홍길동","idn":"9001011234567"}' },
  subscriber2: { purpose: 'ca-subscriber', text: '{"realName":"김철수","idn":"8505052345678"}' },
  ticket: { purpose: 'secure-ticket', text: 'ticket record' },
};

/** A value as SecretBox sealed it before key ids: HKDF(SECRETS_KEY, 'seal:<purpose>'), base64url(iv|tag|ciphertext). */
function sealedBeforeKeyIds(purpose: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', secretsKey, Buffer.alloc(0), `seal:${purpose}`, 32)), iv);
  const body = Buffer.concat([cipher.update(text), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function opened(box: SecretBox, vault: MemoryVault): Record<string, string | undefined> {
  return Object.fromEntries([...vault.values].map(([name, { purpose, sealed }]) => [name, box.open(purpose, sealed)?.toString('utf8')]));
}

const everything = Object.fromEntries(Object.entries(PLAIN).map(([name, { text }]) => [name, text]));

test('rotation loses nothing: values sealed under A open after the move to B, carry B once resealed, and still open without A', async () => {
  const boxA = await SecretBox.load(underA);
  const vault = new MemoryVault();
  for (const [name, { purpose, text }] of Object.entries(PLAIN))
    vault.values.set(name, { purpose, sealed: boxA.seal(purpose, Buffer.from(text)) });
  const beforeReseal = new Map(vault.values);
  expect([...vault.values.values()].map((v) => boxA.keyIdOf(v.sealed))).toEqual(Object.keys(PLAIN).map(() => sealingKeyId(keyA)));

  const boxB = await SecretBox.load(rotatedToB);
  expect(boxB.keyIdOf(boxB.seal('ticket', Buffer.from('new')))).toBe(sealingKeyId(keyB));
  expect(opened(boxB, vault)).toEqual(everything);

  const report = await rotateKeys(rotatedToB, [vault], logger);
  expect(report).toEqual({ keyId: sealingKeyId(keyB), resealed: 3, unreadable: 0 });
  expect([...vault.values.values()].map((v) => boxB.keyIdOf(v.sealed))).toEqual(Object.keys(PLAIN).map(() => sealingKeyId(keyB)));
  expect(opened(boxB, vault)).toEqual(everything);

  const withoutA = await SecretBox.load(onlyB);
  expect(opened(withoutA, vault)).toEqual(everything);
  // A is really gone: what it sealed and nobody resealed no longer opens.
  const notResealed = new MemoryVault();
  for (const [name, value] of beforeReseal) notResealed.values.set(name, value);
  expect(Object.values(opened(withoutA, notResealed))).toEqual([undefined, undefined, undefined]);
});

test('a second rotation run finds nothing to reseal', async () => {
  const vault = new MemoryVault();
  vault.values.set('ticket', { purpose: 'secure-ticket', sealed: (await SecretBox.load(underA)).seal('secure-ticket', Buffer.from('t')) });
  expect(await rotateKeys(rotatedToB, [vault], logger)).toMatchObject({ resealed: 1, unreadable: 0 });
  const after = vault.values.get('ticket');
  expect(await rotateKeys(rotatedToB, [vault], logger)).toMatchObject({ resealed: 0, unreadable: 0 });
  expect(vault.values.get('ticket')).toEqual(after);
  expect((await SecretBox.load(rotatedToB)).reseal('secure-ticket', after!.sealed)).toBeUndefined();
});

test('values sealed before key ids, by SECRETS_KEY, open after rotation and are resealed under the current key', async () => {
  const vault = new MemoryVault();
  vault.values.set('subscriber1', { purpose: 'ca-subscriber', sealed: sealedBeforeKeyIds('ca-subscriber', PLAIN.subscriber1!.text) });
  const boxB = await SecretBox.load(rotatedToB);
  expect(boxB.keyIdOf(vault.values.get('subscriber1')!.sealed)).toBeUndefined();
  expect(opened(boxB, vault)).toEqual({ subscriber1: PLAIN.subscriber1!.text });

  expect(await rotateKeys(rotatedToB, [vault], logger)).toMatchObject({ resealed: 1, unreadable: 0 });
  expect(boxB.keyIdOf(vault.values.get('subscriber1')!.sealed)).toBe(sealingKeyId(keyB));
  expect(opened(await SecretBox.load(onlyB), vault)).toEqual({ subscriber1: PLAIN.subscriber1!.text });
});

test('a value no key opens is counted and kept as it was, for a keyring that still lacks its key', async () => {
  const vault = new MemoryVault();
  const foreign = new SecretBox(randomBytes(32)).seal('ca-subscriber', Buffer.from('x'));
  vault.values.set('foreign', { purpose: 'ca-subscriber', sealed: foreign });
  expect(await rotateKeys(onlyB, [vault], logger)).toEqual({ keyId: sealingKeyId(keyB), resealed: 0, unreadable: 1 });
  expect(vault.values.get('foreign')!.sealed).toBe(foreign);
});

test('keyed hashes (customer ids) are the same before, during and after rotation, and as before keys rotated', async () => {
  const hashKeys = await Promise.all([underA, rotatedToB, onlyB].map(async (p) => (await SecretBox.load(p)).hashKey('customer')));
  const beforeRotation = new SecretBox(secretsKey).hashKey('customer');
  for (const key of hashKeys) expect(key).toEqual(beforeRotation);
  // SECRETS_KEY alone still seals and hashes as it always did: the first SEALING_KEY is a rotation away from it.
  const asToday = await SecretBox.load(new EnvKeyProvider({ secretsKey, previousSealingKeys: [] }));
  expect(asToday.currentKeyId).toBe(sealingKeyId(secretsKey));
  expect(asToday.hashKey('customer')).toEqual(beforeRotation);
});
