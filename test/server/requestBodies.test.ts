/**
 * What the server does with request bodies before any route has looked at them: multipart bodies
 * must never reach the disk (formidable wrote them to the temp folder, for any route, before
 * authentication, and never deleted them), and JSON nested absurdly deep must be refused, not
 * crash the turn.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import restify, { Server } from 'restify';
import { hashAgentPassword } from '../../src/agentDesk/agentAccounts';
import { activity, post, RunningBot, startHttpBot } from '../support/httpBot';

const AGENT_PASSWORD = 'desk-password-for-bodies';
const UPLOAD_ROUTE = { method: 'POST', path: '/v3/directline/conversations/:conversationId/upload' };
let caDirectory: string;
/**
 * The temp folder the app sees: formidable asks os.tmpdir() for every upload. (Setting TMPDIR
 * would not do: jest gives the test a copy of process.env, which the real os module never reads.)
 */
let appTmpDir: string;
let bot: RunningBot;
let server: Server;

beforeAll(async () => {
  caDirectory = mkdtempSync(join(tmpdir(), 'jca-bodies-ca-'));
  appTmpDir = mkdtempSync(join(tmpdir(), 'jca-bodies-tmp-'));
  jest.spyOn(os, 'tmpdir').mockReturnValue(appTmpDir);
  // The app's restify server, to list its routes.
  const created = jest.spyOn(restify, 'createServer');
  bot = await startHttpBot({ CA_DIR: caDirectory, AGENTS: `kim:${await hashAgentPassword(AGENT_PASSWORD)}` });
  server = created.mock.results[0]?.value as Server;
  created.mockRestore();
});

afterAll(async () => {
  await bot?.app.close();
  jest.restoreAllMocks();
  rmSync(appTmpDir, { recursive: true, force: true });
  rmSync(caDirectory, { recursive: true, force: true });
});

/** A Direct Line token and its conversation, as the chat page gets them. */
async function directLineGrant(userId: string): Promise<{ token: string; conversationId: string }> {
  const response = await fetch(`${bot.url}/directline/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { token: string; conversationId: string };
}

/** The desk's session cookie, and the Origin its page sends with every POST and DELETE. */
async function deskCredentials(): Promise<Record<string, string>> {
  const origin = new URL(bot.url).origin;
  const response = await fetch(`${bot.url}/agent/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ id: 'kim', password: AGENT_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] as string, origin };
}

/** Every route of the running server, plus the Direct Line upload route this server no longer has (older code took multipart there). */
function routes(): { method: string; path: string }[] {
  const listed: { method: string; path: string }[] = server
    .getDebugInfo()
    .routes.map((route: { method: string; path: string }) => ({ method: route.method.toUpperCase(), path: route.path }));
  const known = new Set(listed.map((route) => `${route.method} ${route.path}`));
  return known.has(`${UPLOAD_ROUTE.method} ${UPLOAD_ROUTE.path}`) ? listed : [...listed, UPLOAD_ROUTE];
}

test('a 200 KB multipart upload to every route, with and without credentials, never lands in the temp folder and is refused with a 4xx', async () => {
  const grant = await directLineGrant('bodies-user');
  const desk = await deskCredentials();
  const form = new FormData();
  form.append('file', new Blob([randomBytes(200 * 1024)]), 'signPri.key');
  const encoded = new Response(form);
  const contentType = encoded.headers.get('content-type') as string;
  const body = Buffer.from(await encoded.arrayBuffer());
  const params: Record<string, string> = {
    conversationId: grant.conversationId,
    id: 'no-such-conversation',
    activityId: 'activity-1',
    token: 'no-such-link',
    file: 'bank.crl',
  };
  const credentials = (path: string): Record<string, string> =>
    path.startsWith('/agent') ? desk : path.startsWith('/v3/directline') ? { authorization: `Bearer ${grant.token}` } : {};

  const listed = routes();
  expect(listed.length).toBeGreaterThan(20);
  expect(readdirSync(appTmpDir)).toEqual([]);
  const answers: string[] = [];
  for (const route of [...listed, { method: 'POST', path: '/no-such-route' }]) {
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? 'x');
    // Routes that take no body are sent it with POST (405), the others with their own method.
    const method = ['POST', 'PUT', 'DELETE', 'PATCH'].includes(route.method) ? route.method : 'POST';
    for (const signedIn of [false, true]) {
      const response = await fetch(`${bot.url}${path}`, {
        method,
        headers: { 'content-type': contentType, ...(signedIn ? credentials(path) : {}) },
        body,
      });
      await response.arrayBuffer();
      answers.push(`${method} ${route.path}${signedIn ? ' (signed in)' : ''}: ${response.status}`);
    }
  }
  expect(readdirSync(appTmpDir)).toEqual([]);
  // No route takes multipart any more (files are chosen on the secure page): every one refuses it.
  expect(answers).toContain(`${UPLOAD_ROUTE.method} ${UPLOAD_ROUTE.path} (signed in): 404`);
  expect(answers.filter((answer) => !/: 4\d\d$/.test(answer))).toEqual([]);
}, 60_000);

describe('JSON nested 100,000 levels deep', () => {
  const nested = '['.repeat(100_000) + ']'.repeat(100_000);
  /** The field's own shape (an object, a list of objects), with the nesting inside. */
  const deep: Record<string, string> = { channelData: `{"a":${nested}}`, entities: `[{"a":${nested}}]` };

  async function healthy(): Promise<void> {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  }

  test.each(['channelData', 'entities'])('in %s is refused with 400 at /api/messages, and the process stays healthy', async (field) => {
    const body = JSON.stringify(activity({ conversation: { id: `deep-${field}` } })).replace(/}$/, `,"${field}":${deep[field]}}`);
    expect((await post(bot.url, body)).status).toBe(400);
    await healthy();
  });

  test.each(['channelData', 'entities'])('in %s is refused with 400 at Direct Line, and the process stays healthy', async (field) => {
    const grant = await directLineGrant(`deep-${field}`);
    const response = await fetch(`${bot.url}/v3/directline/conversations/${grant.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${grant.token}`, 'content-type': 'application/json' },
      body: `{"type":"message","from":{"id":"deep-${field}"},"text":"안녕하세요","${field}":${deep[field]}}`,
    });
    expect(response.status).toBe(400);
    await healthy();
  });
});

describe('JSON bodies within bounds', () => {
  test('nested as deep as real activities get (an Adaptive Card submit of 20 levels) is accepted', async () => {
    const value = JSON.parse('{"a":'.repeat(20) + '1' + '}'.repeat(20));
    expect((await post(bot.url, activity({ conversation: { id: 'deep-enough' }, text: undefined, value }))).status).toBe(200);
  });

  test('brackets and escaped quotes inside strings are text, not nesting', async () => {
    const text = `${'['.repeat(50)}\\"${'{'.repeat(50)}`;
    expect((await post(bot.url, activity({ conversation: { id: 'brackets-in-text' }, text }))).status).toBe(200);
  });

  test('a body over MAX_BODY_BYTES sent chunked, without a Content-Length, is refused with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        `${bot.url}/api/messages`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      // The server closes the connection after its answer; a write still under way may fail then.
      request.on('error', reject);
      request.write('{"type":"message","text":"');
      for (let i = 0; i < 20; i++) request.write('가'.repeat(20_000));
      request.end('"}');
    }).catch((err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 413 : 0));
    expect(status).toBe(413);
  });
});
