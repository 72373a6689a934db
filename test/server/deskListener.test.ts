/**
 * The agent desk apart from the internet: with DESK_PORT it and /metrics are on a listener of their
 * own, and the customer's listener serves neither; /metrics reaches the customer's listener only
 * behind METRICS_TOKEN.
 */
import { loadConfig } from '../../src/config/config';
import { agentsConfig, DeskClient } from '../support/deskClient';
import { RunningBot, startHttpBot } from '../support/httpBot';

const METRICS_TOKEN = 'a-scraper-token-of-32-characters-or-more';

describe('the configuration of the desk listener', () => {
  test('without DESK_PORT the desk stays on the customer listener', () => {
    expect(loadConfig({}).agentDesk.listener).toBeUndefined();
  });

  test('with DESK_PORT it listens on loopback unless DESK_HOST says otherwise, opened at its own address', () => {
    expect(loadConfig({ DESK_PORT: '8081' }).agentDesk.listener).toEqual({
      host: '127.0.0.1',
      port: 8081,
      publicUrl: 'http://127.0.0.1:8081',
    });
    expect(loadConfig({ SANDBOX: 'false', DESK_HOST: '10.0.0.5', DESK_PORT: '8081' }).agentDesk.listener?.publicUrl).toBe(
      'http://10.0.0.5:8081',
    );
    expect(
      loadConfig({ SANDBOX: 'false', DESK_HOST: '0.0.0.0', DESK_PORT: '8081', DESK_PUBLIC_URL: 'https://desk.bank.internal' }).agentDesk
        .listener?.publicUrl,
    ).toBe('https://desk.bank.internal');
  });

  test.each([
    [{ DESK_HOST: '127.0.0.1' }, /DESK_PORT: required when DESK_HOST is set/],
    [{ DESK_PUBLIC_URL: 'https://desk.bank.internal' }, /DESK_PORT: required when DESK_PUBLIC_URL is set/],
    [{ DESK_PORT: 'eighty' }, /DESK_PORT: must be a whole number/],
    [{ PORT: '8080', DESK_PORT: '8080' }, /DESK_PORT: the desk's listener needs a port of its own; PORT is also 8080/],
    [{ PORT: '8080', HOST: '0.0.0.0', SANDBOX: 'false', DESK_HOST: '10.0.0.5', DESK_PORT: '8080' }, /DESK_PORT: .*port of its own/],
    [{ DESK_HOST: '10.0.0.5', DESK_PORT: '8081' }, /SANDBOX: .*loopback DESK_HOST \(DESK_HOST is 10\.0\.0\.5\)/],
    [{ SANDBOX: 'false', DESK_HOST: '0.0.0.0', DESK_PORT: '8081' }, /DESK_PUBLIC_URL: required when DESK_HOST is 0\.0\.0\.0/],
    [{ DESK_PORT: '8081', DESK_PUBLIC_URL: 'https://desk.bank.internal/agent' }, /DESK_PUBLIC_URL: must be an origin/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN: must be at least 32 characters/],
  ])('refuses to start with %p, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('the same port on two different interfaces is no clash', () => {
    const env = { PORT: '8080', HOST: '10.0.0.4', SANDBOX: 'false', DESK_HOST: '10.0.0.5', DESK_PORT: '8080' };
    expect(loadConfig(env).agentDesk.listener?.port).toBe(8080);
  });
});

describe('with a desk listener of its own', () => {
  let bot: RunningBot;
  let deskUrl: string;

  beforeAll(async () => {
    bot = await startHttpBot({ AGENTS: await agentsConfig(['kim']), DESK_PORT: '0' });
    deskUrl = `http://127.0.0.1:${bot.app.deskPort()}`;
  });

  afterAll(async () => {
    await bot?.app.close();
  });

  test.each(['/agent', '/agent/desk.js', '/agent/api/me', '/agent/api/queue', '/metrics'])(
    'the customer listener answers 404 for GET %s',
    async (path) => {
      expect((await fetch(`${bot.url}${path}`)).status).toBe(404);
    },
  );

  test('no one signs in to the desk through the customer listener', async () => {
    await expect(DeskClient.signIn(bot.url, 'kim', 'kim-password-123')).rejects.toThrow('sign-in failed: 404');
  });

  test('the desk listener serves the desk page with its own policy, and what is not the desk is not there', async () => {
    const page = await fetch(`${deskUrl}/agent`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('desk.js');
    expect((await fetch(`${deskUrl}/healthz`)).status).toBe(200);
    for (const customerPath of ['/', '/api/messages', '/readyz']) expect((await fetch(`${deskUrl}${customerPath}`)).status).toBe(404);
  });

  test('an agent signs in on the desk listener and works there', async () => {
    const kim = await DeskClient.signIn(deskUrl, 'kim', 'kim-password-123');
    expect(await kim.call('GET', '/me')).toMatchObject({ status: 200, body: { agentId: 'kim' } });
    expect((await kim.call('GET', '/queue')).status).toBe(200);
    expect((await kim.signOut()).status).toBe(204);
  });

  test("the desk acts only on requests from the desk listener's origin, not the customer listener's", async () => {
    const response = await fetch(`${deskUrl}/agent/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: bot.url },
      body: JSON.stringify({ id: 'kim', password: 'kim-password-123' }),
    });
    expect(response.status).toBe(403);
  });

  test('the desk listener serves /metrics as Prometheus text without a token', async () => {
    const response = await fetch(`${deskUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
  });
});

describe('the desk opened at DESK_PUBLIC_URL', () => {
  const DESK_ORIGIN = 'https://desk.bank.internal';

  test('its origin is the one its actions must come from, its cookie is Secure, and close() stops both listeners', async () => {
    const bot = await startHttpBot({ AGENTS: await agentsConfig(['kim']), DESK_PORT: '0', DESK_PUBLIC_URL: DESK_ORIGIN });
    const deskUrl = `http://127.0.0.1:${bot.app.deskPort()}`;
    try {
      const signIn = (origin: string) =>
        fetch(`${deskUrl}/agent/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify({ id: 'kim', password: 'kim-password-123' }),
        });
      expect((await signIn(deskUrl)).status).toBe(403);
      const signedIn = await signIn(DESK_ORIGIN);
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get('set-cookie')).toMatch(/; Secure/);
      // HTTPS is asked for on the desk's listener, which is reached over it; not on the customer's, reached over http.
      expect(signedIn.headers.get('strict-transport-security')).toMatch(/^max-age=/);
      expect((await fetch(`${bot.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
    } finally {
      await bot.app.close();
    }
    await expect(fetch(`${deskUrl}/healthz`)).rejects.toThrow();
    await expect(fetch(`${bot.url}/healthz`)).rejects.toThrow();
  });
});

describe('METRICS_TOKEN on the customer listener', () => {
  let bot: RunningBot;

  beforeAll(async () => {
    bot = await startHttpBot({ METRICS_TOKEN });
  });

  afterAll(async () => {
    await bot?.app.close();
  });

  test.each([
    ['no token', {}],
    ['a wrong token', { authorization: `Bearer ${METRICS_TOKEN.toUpperCase()}` }],
  ])('with %s a scraper gets 401', async (_name, headers: Record<string, string>) => {
    expect((await fetch(`${bot.url}/metrics`, { headers })).status).toBe(401);
  });

  test('with the token a scraper gets Prometheus text', async () => {
    const response = await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  test('without a desk listener of its own the desk stays on the customer listener', async () => {
    expect(bot.app.deskPort()).toBeUndefined();
    expect((await fetch(`${bot.url}/agent`)).status).toBe(200);
  });
});
