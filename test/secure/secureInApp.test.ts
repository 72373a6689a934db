import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningBot, startHttpBot } from '../support/httpBot';

// The secure page as the app serves it: the built page, at SECURE_ORIGIN (here PUBLIC_BASE_URL's), its API behind the Origin check.
let bot: RunningBot;

beforeAll(async () => {
  bot = await startHttpBot({ CA_DIR: mkdtempSync(join(tmpdir(), 'jca-secure-app-ca-')) });
});
afterAll(() => bot.app.close());

test('any link of the page serves the built page, never cached, with its own strict policy and its script', async () => {
  const response = await fetch(`${bot.url}/secure/${randomBytes(32).toString('base64url')}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'self'/);
  expect(await response.text()).toContain('/secure/assets/secure.js');
  expect((await fetch(`${bot.url}/secure/assets/secure.js`)).status).toBe(200);
  expect((await fetch(`${bot.url}/secure/continue`)).status).toBe(200);
});

test("the page's API answers its own origin only", async () => {
  const open = (origin: string) =>
    fetch(`${bot.url}/secure/api/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ ticket: randomBytes(32).toString('base64url') }),
    });
  expect((await open('https://evil.example')).status).toBe(403);
  const own = await open(new URL(bot.url).origin);
  expect(own.status).toBe(404);
  expect(await own.json()).toEqual({ error: 'unknown' });
});
