/**
 * The headers a browser acts on: every response says not to sniff types, names no referrer, and
 * asks for HTTPS when the bot is public over it; every page says who may frame it (the bank's app
 * for the chat page, nobody for the agent desk) and loads only its own scripts.
 */
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { RunningBot, startHttpBot } from '../support/httpBot';

/** A page on another origin that frames the chat page at `chatUrl`. */
async function framingSite(): Promise<{ server: Server; origin: string; frame: (chatUrl: string) => void }> {
  let chatUrl = '';
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>site</title><iframe src="${chatUrl}/" width="800" height="600"></iframe>`);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, frame: (url) => void (chatUrl = url) };
}

let bankApp: Awaited<ReturnType<typeof framingSite>>;
let otherSite: Awaited<ReturnType<typeof framingSite>>;
/** Public over https, framed by nobody but itself. */
let secure: RunningBot;
/** Over http, framed by the bank's app. */
let framed: RunningBot;

beforeAll(async () => {
  [bankApp, otherSite] = await Promise.all([framingSite(), framingSite()]);
  secure = await startHttpBot({ PUBLIC_BASE_URL: 'https://chat.bank.example' });
  framed = await startHttpBot({ CHAT_FRAME_ANCESTORS: bankApp.origin });
  bankApp.frame(framed.url);
  otherSite.frame(framed.url);
});

afterAll(async () => {
  await secure?.app.close();
  await framed?.app.close();
  for (const site of [bankApp, otherSite]) {
    site?.server.closeAllConnections();
    await new Promise((resolve) => site?.server.close(resolve));
  }
});

/** Each directive of a Content-Security-Policy header, by name. */
function policy(response: Response): Map<string, string[]> {
  const header = response.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name !== '')
      .map(([name, ...sources]) => [name as string, sources]),
  );
}

const responses: [string, (url: string) => Promise<Response>][] = [
  ['the chat page', (url) => fetch(`${url}/`)],
  ['the agent desk', (url) => fetch(`${url}/agent`)],
  ['a static file', (url) => fetch(`${url}/webchat/chat.js`)],
  ['an API answer', (url) => fetch(`${url}/healthz`)],
  ['a 404', (url) => fetch(`${url}/no-such-page`)],
  ['a 405', (url) => fetch(`${url}/healthz`, { method: 'POST' })],
  [
    'a refused body (400)',
    (url) => fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": ' }),
  ],
  [
    'a refused media type (415)',
    (url) => fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
  ],
  ['an unknown download link', (url) => fetch(`${url}/certificates/download/no-such-link`)],
];

test.each(responses)('%s says nosniff, no referrer, HSTS when public over https, and who may frame it', async (_name, request) => {
  const response = await request(secure.url);
  await response.arrayBuffer();
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
  expect(policy(response).get('frame-ancestors')?.length).toBeGreaterThan(0);

  const overHttp = await request(framed.url);
  await overHttp.arrayBuffer();
  expect(overHttp.headers.get('x-content-type-options')).toBe('nosniff');
  // A browser ignores HSTS over http; the header would only mislead.
  expect(overHttp.headers.get('strict-transport-security')).toBeNull();
});

test('the chat page loads only its own scripts, and may be framed by its own origin, and the bank’s app when configured', async () => {
  for (const [bot, ancestors] of [
    [secure, ["'self'"]],
    [framed, ["'self'", bankApp.origin]],
  ] as const) {
    const response = await fetch(`${bot.url}/`);
    const csp = policy(response);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toBeUndefined();
    expect([...csp.values()].flat()).not.toEqual(expect.arrayContaining(["'unsafe-inline'"]));
    expect([...csp.values()].flat()).not.toEqual(expect.arrayContaining(["'unsafe-eval'"]));
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(ancestors);
    // X-Frame-Options cannot name another origin: sent only when the page's own origin is the only one.
    expect(response.headers.get('x-frame-options')).toBe(ancestors.length === 1 ? 'SAMEORIGIN' : null);
  }
});

test('the agent desk may be framed by nobody', async () => {
  const response = await fetch(`${framed.url}/agent`);
  expect(policy(response).get('frame-ancestors')).toEqual(["'none'"]);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(policy(response).get('default-src')).toEqual(["'self'"]);
});

describe('in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the bank’s app shows the chat in a frame, with no policy violation; another site’s frame stays empty', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    try {
      await page.goto(bankApp.origin);
      const chat = page.frameLocator('iframe');
      await chat.getByText('공동인증서 도우미예요', { exact: false }).last().waitFor({ timeout: 15_000 });
      expect(violations).toEqual([]);

      await page.goto(otherSite.origin);
      const refused = Date.now();
      while (violations.length === 0 && Date.now() - refused < 15_000) await page.waitForTimeout(100);
      expect(violations.join('\n')).toContain('frame-ancestors');
      // The browser shows its own error page in the frame instead.
      expect(await chat.locator('#webchat').count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('the agent desk runs under its policy, with no violation', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    try {
      await page.goto(`${framed.url}/agent`);
      await page.getByTestId('login-id').waitFor({ timeout: 15_000 });
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
