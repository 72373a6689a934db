import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/state/secretBox';

const box = new SecretBox(randomBytes(32));

test('a sealed value opens with the same key and purpose, and holds no plaintext', () => {
  const secret = Buffer.from('9001011234567');
  const sealed = box.seal('owner-check', secret);
  expect(sealed).not.toContain('9001011234567');
  expect(Buffer.from(sealed, 'base64url').includes(secret)).toBe(false);
  expect(box.open('owner-check', sealed)).toEqual(secret);
});

test('another purpose, another key or a changed byte does not open it', () => {
  const sealed = box.seal('owner-check', Buffer.from('R'));
  expect(box.open('download', sealed)).toBeUndefined();
  expect(new SecretBox(randomBytes(32)).open('owner-check', sealed)).toBeUndefined();
  const bytes = Buffer.from(sealed, 'base64url');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  expect(box.open('owner-check', bytes.toString('base64url'))).toBeUndefined();
  expect(box.open('owner-check', 'not sealed at all')).toBeUndefined();
});

test('keyed hash keys differ by purpose and by master key, and short master keys are refused', () => {
  expect(box.hashKey('customer')).not.toEqual(box.hashKey('otp'));
  expect(new SecretBox(randomBytes(32)).hashKey('customer')).not.toEqual(box.hashKey('customer'));
  expect(() => new SecretBox(randomBytes(16))).toThrow(RangeError);
});
