import { randomBytes } from 'node:crypto';
import { DirectLineTokens } from '../../src/directLine/directLineTokens';

const key = randomBytes(32);
const HOUR = 3600;

test('a token binds one user to one conversation until it expires, and says so in a `user` claim as Direct Line tokens do', () => {
  let now = Date.UTC(2026, 0, 1);
  const tokens = new DirectLineTokens(key, HOUR, () => now);
  const { token, expiresIn } = tokens.issue('conv-1', 'dl_alice');
  expect(expiresIn).toBe(HOUR);
  // directlinejs and Web Chat read the user id out of the token (jwt-decode), as with Azure's enhanced authentication
  const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
  expect(payload).toMatchObject({ conv: 'conv-1', user: 'dl_alice' });

  expect(tokens.verify(token)).toEqual({
    ok: true,
    claims: { conversationId: 'conv-1', userId: 'dl_alice', expiresAt: now + HOUR * 1000 },
  });
  now += HOUR * 1000 - 1000;
  expect(tokens.verify(token).ok).toBe(true);
  now += 1000;
  expect(tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
});

test('two tokens made in the same second differ', () => {
  const tokens = new DirectLineTokens(key, HOUR, () => 0);
  expect(tokens.issue('c', 'u').token).not.toBe(tokens.issue('c', 'u').token);
});

test('a token altered, signed with another key, or not a token at all is invalid (never "expired")', () => {
  const tokens = new DirectLineTokens(key, HOUR);
  const { token } = tokens.issue('conv-1', 'dl_alice');
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), user: 'dl_mallory' })).toString(
    'base64url',
  );
  const expiredElsewhere = new DirectLineTokens(randomBytes(32), -60).issue('conv-1', 'dl_alice').token;
  for (const bad of [
    `${header}.${forged}.${signature}`,
    new DirectLineTokens(randomBytes(32), HOUR).issue('conv-1', 'dl_alice').token,
    expiredElsewhere,
    'secret',
    '',
    `${token}.x`,
    `${header}.${payload}.`,
  ]) {
    expect(tokens.verify(bad)).toEqual({ ok: false, reason: 'invalid' });
  }
});
