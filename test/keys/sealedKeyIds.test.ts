import { randomBytes } from 'node:crypto';
import { EnvKeyProvider } from '../../src/keys/envKeyProvider';
import { sealingKeyId } from '../../src/keys/keyProvider';
import { SecretBox } from '../../src/state/secretBox';

const secretsKey = randomBytes(32);
const keyA = randomBytes(32);
const keyB = randomBytes(32);

test('a sealed value names its key, and holds neither the key nor the plaintext', async () => {
  const box = await SecretBox.load(new EnvKeyProvider({ secretsKey, sealingKey: keyB, previousSealingKeys: [keyA] }));
  const sealed = box.seal('owner-check', Buffer.from('9001011234567'));
  expect(sealed.startsWith(`${sealingKeyId(keyB)}.`)).toBe(true);
  expect(box.keyIdOf(sealed)).toBe(box.currentKeyId);
  expect(sealed).not.toContain('9001011234567');
  for (const key of [keyA, keyB, secretsKey]) {
    expect(sealed).not.toContain(key.toString('base64url'));
    expect(sealed).not.toContain(key.toString('hex'));
  }
});

test('a value whose key id was changed does not open, whether the new id is known or not', async () => {
  const box = await SecretBox.load(new EnvKeyProvider({ secretsKey, sealingKey: keyB, previousSealingKeys: [keyA] }));
  const sealed = box.seal('owner-check', Buffer.from('R'));
  const body = sealed.slice(sealed.indexOf('.') + 1);
  expect(box.open('owner-check', sealed)).toEqual(Buffer.from('R'));
  expect(box.open('owner-check', `${sealingKeyId(keyA)}.${body}`)).toBeUndefined();
  expect(box.open('owner-check', `${'0'.repeat(16)}.${body}`)).toBeUndefined();
  // Without its id it is not taken for a value sealed before key ids either.
  expect(box.open('owner-check', body)).toBeUndefined();
  expect(box.reseal('owner-check', `${sealingKeyId(keyA)}.${body}`)).toBeUndefined();
});

test('a one-key box (SECRETS_KEY alone) seals under that key and opens what a keyring with it sealed', async () => {
  const keyring = await SecretBox.load(new EnvKeyProvider({ secretsKey, previousSealingKeys: [] }));
  const single = new SecretBox(secretsKey);
  expect(single.currentKeyId).toBe(keyring.currentKeyId);
  expect(single.open('download', keyring.seal('download', Buffer.from('x')))).toEqual(Buffer.from('x'));
});
