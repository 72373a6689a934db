import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import restify, { Server } from 'restify';
import { AgentDirectory, hashAgentPassword } from '../../src/agentDesk/agentAccounts';
import { parseAgentAccounts } from '../../src/config/agents';
import { registerSessionRoutes, requireAgent, SESSION_COOKIE, type AgentRequest } from '../../src/agentDesk/agentAuth';
import { AgentSessions, MemoryAgentSessions, RedisAgentSessions } from '../../src/agentDesk/agentSessions';
import { MemorySignInThrottle, type SignInThrottle } from '../../src/agentDesk/signInThrottle';
import { DESK_EVENTS } from '../../src/handoff/handoffEvents';
import { MemoryBroadcast } from '../../src/state/broadcast';
import { useParsers } from '../../src/server/createServer';
import { useSharedRedis } from '../support/redisCleanup';

const PREFIX = `test:agent-auth:${randomBytes(6).toString('hex')}:`;
const sharedRedis = useSharedRedis(PREFIX);

const KIM_PASSWORD = 'kim-desk-password-1';
const LEE_PASSWORD = 'lee-desk-password-2';
const TTL_SECONDS = 3600;
let directory: AgentDirectory;
beforeAll(async () => {
  directory = new AgentDirectory(
    parseAgentAccounts(`kim:${await hashAgentPassword(KIM_PASSWORD)},lee:${await hashAgentPassword(LEE_PASSWORD)}`),
  );
});

/** A clock the test moves by hand. */
function manualClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

interface Desk {
  url: string;
  server: Server;
}

/**
 * A real restify server with the same parsers as createServer (the routes read their own JSON
 * bodies), the session routes (whose own Origin is the server's address), and one protected
 * route standing for every /agent API.
 */
async function startDesk(
  sessions: AgentSessions,
  options: { now?: () => number; secureCookies?: boolean; throttle?: SignInThrottle } = {},
): Promise<Desk> {
  const server = restify.createServer({ handleUncaughtExceptions: false });
  useParsers(server);
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  registerSessionRoutes(server, {
    directory,
    sessions,
    throttle: options.throttle ?? new MemorySignInThrottle({ now: options.now }),
    events: new MemoryBroadcast(DESK_EVENTS),
    ownOrigin: url,
    secureCookies: options.secureCookies ?? false,
    sessionTtlSeconds: TTL_SECONDS,
  });
  server.get('/agent/api/queue', requireAgent(sessions, directory), async (req, res) => {
    res.send(200, { for: (req as AgentRequest).agentId });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: url() };
}

let desks: Desk[] = [];
afterEach(async () => {
  await Promise.all(desks.map((desk) => new Promise<void>((resolve) => desk.server.close(() => resolve()))));
  desks = [];
});
async function desk(sessions: AgentSessions, options?: Parameters<typeof startDesk>[1]): Promise<string> {
  const started = await startDesk(sessions, options);
  desks.push(started);
  return started.url;
}

/** As the desk's page signs in: JSON, from the desk's own origin. */
function signIn(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/agent/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The `name=value` part of the response's Set-Cookie, to send back as a Cookie header. */
function cookieOf(response: Response): string {
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] as string;
}

const me = (url: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${url}/agent/api/me`, { headers });

describe.each([
  ['memory', (): AgentSessions => new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS })],
  ['Redis', (): AgentSessions => new RedisAgentSessions(sharedRedis(), { prefix: PREFIX, ttlSeconds: TTL_SECONDS })],
])('sign-in over HTTP with %s sessions', (_name, makeSessions) => {
  test('signing in sets an HttpOnly, SameSite=Strict cookie on /agent, and /agent/api/me answers with it', async () => {
    const url = await desk(makeSessions());
    const response = await signIn(url, { id: 'kim', password: KIM_PASSWORD });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ agentId: 'kim' });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const setCookie = response.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/agent; Max-Age=${TTL_SECONDS}$`),
    );

    const answer = await me(url, { cookie: `theme=dark; ${cookieOf(response)}` });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ agentId: 'kim' });
    const queue = await fetch(`${url}/agent/api/queue`, { headers: { cookie: cookieOf(response) } });
    expect(await queue.json()).toEqual({ for: 'kim' });
  });

  test('the token also works as a Bearer token', async () => {
    const url = await desk(makeSessions());
    const token = cookieOf(await signIn(url, { id: 'lee', password: LEE_PASSWORD })).split('=')[1] as string;
    const answer = await me(url, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ agentId: 'lee' });
  });

  test('without a session every /agent API answers 401 signInRequired', async () => {
    const url = await desk(makeSessions());
    for (const path of ['/agent/api/me', '/agent/api/queue']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'signInRequired' });
    }
  });

  test('a forged or malformed token is refused', async () => {
    const url = await desk(makeSessions());
    const forged = randomBytes(32).toString('base64url');
    expect((await me(url, { cookie: `${SESSION_COOKIE}=${forged}` })).status).toBe(401);
    expect((await me(url, { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect((await me(url, { cookie: `${SESSION_COOKIE}=../../etc` })).status).toBe(401);
    expect((await me(url, { cookie: `${SESSION_COOKIE}=` })).status).toBe(401);
    expect((await me(url, { authorization: 'Bearer' })).status).toBe(401);
  });

  test('signing out revokes the session and clears the cookie', async () => {
    const url = await desk(makeSessions());
    const cookie = cookieOf(await signIn(url, { id: 'kim', password: KIM_PASSWORD }));
    expect((await me(url, { cookie })).status).toBe(200);
    const out = await fetch(`${url}/agent/api/session`, { method: 'DELETE', headers: { cookie, origin: url } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe(`${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/agent; Max-Age=0`);
    // The old cookie, replayed (say from a copy), no longer works.
    expect((await me(url, { cookie })).status).toBe(401);
    // Signing out without a session is harmless.
    expect((await fetch(`${url}/agent/api/session`, { method: 'DELETE', headers: { origin: url } })).status).toBe(204);
  });

  test('a wrong password and an unknown id get the same 401 wrongCredentials, and no cookie', async () => {
    const url = await desk(makeSessions());
    for (const body of [
      { id: 'kim', password: LEE_PASSWORD },
      { id: 'park', password: KIM_PASSWORD },
    ]) {
      const response = await signIn(url, body);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'wrongCredentials' });
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('sign-in over HTTP', () => {
  test('an expired session is refused', async () => {
    const clock = manualClock();
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS, now: clock.now }));
    const cookie = cookieOf(await signIn(url, { id: 'kim', password: KIM_PASSWORD }));
    clock.advance(TTL_SECONDS * 1000 - 1);
    expect((await me(url, { cookie })).status).toBe(200);
    clock.advance(1);
    const response = await me(url, { cookie });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'signInRequired' });
  });

  test('with secureCookies the cookie is Secure', async () => {
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS }), { secureCookies: true });
    const response = await signIn(url, { id: 'kim', password: KIM_PASSWORD });
    expect(response.headers.get('set-cookie')).toMatch(/; Path=\/agent; Secure; Max-Age=3600$/);
  });

  test.each([
    ['no password', { id: 'kim' }],
    ['a password that is not a string', { id: 'kim', password: 12345678901234 }],
    ['an empty id', { id: '', password: KIM_PASSWORD }],
    ['an id longer than any agent id', { id: 'k'.repeat(41), password: KIM_PASSWORD }],
    ['an array', [KIM_PASSWORD]],
  ])('a body with %s is 400 badRequest', async (_name, body) => {
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS }));
    const response = await signIn(url, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'badRequest' });
  });

  test('a form post (what a cross-site page could send) is refused with 415', async () => {
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS }));
    const response = await fetch(`${url}/agent/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
      body: `id=kim&password=${encodeURIComponent(KIM_PASSWORD)}`,
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  test('sign-in and sign-out from another origin, or without one, are refused with 403', async () => {
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS }));
    const origins: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, {}];
    for (const origin of origins) {
      const response = await fetch(`${url}/agent/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...origin },
        body: JSON.stringify({ id: 'kim', password: KIM_PASSWORD }),
      });
      expect({ origin, status: response.status, cookie: response.headers.get('set-cookie') }).toEqual({
        origin,
        status: 403,
        cookie: null,
      });
    }
    const cookie = cookieOf(await signIn(url, { id: 'kim', password: KIM_PASSWORD }));
    for (const origin of origins) {
      expect((await fetch(`${url}/agent/api/session`, { method: 'DELETE', headers: { cookie, ...origin } })).status).toBe(403);
    }
    expect((await me(url, { cookie })).status).toBe(200);
  });

  test('two session cookies at once (one planted by another site) are refused', async () => {
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS }));
    const cookie = cookieOf(await signIn(url, { id: 'kim', password: KIM_PASSWORD }));
    const other = cookieOf(await signIn(url, { id: 'lee', password: LEE_PASSWORD }));
    expect((await me(url, { cookie: `${other}; ${cookie}` })).status).toBe(401);
  });

  test('a session of an agent no longer in AGENTS is refused', async () => {
    const sessions = new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS });
    const url = await desk(sessions);
    const token = await sessions.create('removed-agent');
    expect((await me(url, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  test('when the session store fails, nobody is let in (503)', async () => {
    const failing: AgentSessions = {
      create: () => Promise.reject(new Error('redis down')),
      find: () => Promise.reject(new Error('redis down')),
      revoke: () => Promise.reject(new Error('redis down')),
    };
    const url = await desk(failing);
    const response = await me(url, { authorization: `Bearer ${randomBytes(32).toString('base64url')}` });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'sessionsUnavailable' });
    const signedIn = await signIn(url, { id: 'kim', password: KIM_PASSWORD });
    expect(signedIn.status).toBe(503);
    expect(signedIn.headers.get('set-cookie')).toBeNull();
  });

  test('after 5 failures in 5 minutes the id gets 429 for 5 minutes, even with the right password', async () => {
    const clock = manualClock();
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS }), { now: clock.now });
    for (let i = 0; i < 5; i++) {
      clock.advance(30_000);
      expect((await signIn(url, { id: 'kim', password: `guess number ${i}` })).status).toBe(401);
    }
    const blocked = await signIn(url, { id: 'kim', password: KIM_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toEqual({ error: 'tooManyAttempts' });
    expect(blocked.headers.get('retry-after')).toBe('300');
    expect(blocked.headers.get('set-cookie')).toBeNull();
    // Other agents are not affected.
    expect((await signIn(url, { id: 'lee', password: LEE_PASSWORD })).status).toBe(200);
    clock.advance(5 * 60_000 - 1);
    expect((await signIn(url, { id: 'kim', password: KIM_PASSWORD })).status).toBe(429);
    clock.advance(1);
    expect((await signIn(url, { id: 'kim', password: KIM_PASSWORD })).status).toBe(200);
  });

  test('unknown ids are throttled the same way, so a 429 does not reveal which ids exist', async () => {
    const url = await desk(new MemoryAgentSessions({ ttlSeconds: TTL_SECONDS }), { now: manualClock().now });
    for (let i = 0; i < 5; i++) expect((await signIn(url, { id: 'park', password: `guess ${i} wrong` })).status).toBe(401);
    expect((await signIn(url, { id: 'park', password: 'guess 6 wrong' })).status).toBe(429);
  });
});
