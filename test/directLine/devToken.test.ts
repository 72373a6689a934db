import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { promptOf } from '../support/httpJourneys';
import { DirectLineTestClient, textOf } from './directLineClient';
import { shownIn } from './directLineJourney';

// The sandbox (loopback, no app id) without a secret: what `npm start` gives a newcomer.
let bot: RunningBot;
beforeAll(async () => {
  bot = await startHttpBot({ CA_DIR: mkdtempSync(join(tmpdir(), 'jca-devtoken-ca-')) });
});
afterAll(() => bot.app.close());

const devToken = (body?: unknown) =>
  fetch(`${bot.url}/directline/dev-token`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test('a page without a backend gets a token for a dl_ user, or for the id it asks, and talks to the bot with it', async () => {
  const anonymous = await devToken();
  expect(anonymous.status).toBe(200);
  const grant = (await anonymous.json()) as { token: string };
  expect(grant).toEqual({ conversationId: expect.any(String), token: expect.any(String), expires_in: 3600 });
  expect(JSON.parse(Buffer.from(grant.token.split('.')[1] as string, 'base64url').toString()).user).toMatch(/^dl_[\w-]{16}$/);

  const named = (await (await devToken({ userId: 'trial-user' })).json()) as { token: string };
  expect(JSON.parse(Buffer.from(named.token.split('.')[1] as string, 'base64url').toString()).user).toBe('trial-user');
  expect((await devToken({ userId: '' })).status).toBe(400);

  const client = new DirectLineTestClient({ domain: `${bot.url}/v3/directline`, token: named.token, webSocket: true });
  try {
    await client.waitFor((a) => textOf(a).includes('무엇을 도와드릴까요'));
    const id = await client.post({ type: 'message', from: { id: 'trial-user' }, text: '인증서 발급' });
    await client.waitFor((a) => a.replyToId === id && shownIn([a]).includes(promptOf('secureStep.open.identity')));
  } finally {
    client.end();
  }
});

test('without a secret nobody can generate tokens through the Direct Line API', async () => {
  const response = await fetch(`${bot.url}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { authorization: 'Bearer anything-at-all-0123456789012345', 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: 'x' } }),
  });
  expect(response.status).toBe(403);
});
