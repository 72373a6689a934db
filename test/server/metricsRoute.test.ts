import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import type { Server } from 'restify';
import { createListenerServer } from '../../src/server/createServer';
import { closeGracefully, listenOn } from '../../src/server/listening';
import { registerMetricsRoute } from '../../src/server/metricsRoute';

const TOKEN = 'a-scraper-token-of-32-characters-or-more';

let registry: Registry;
let servers: Server[];

beforeEach(() => {
  registry = new Registry();
  new Counter({ name: 'journeys_started_total', help: 'Journeys started', registers: [registry] }).inc(3);
  servers = [];
});

afterEach(async () => {
  await Promise.all(servers.map(closeGracefully));
});

/** A listener serving /metrics as the app does, on a free loopback port. */
async function metricsAt(bearerToken?: string): Promise<string> {
  const server = createListenerServer('http://127.0.0.1:0');
  registerMetricsRoute(server, { registry, bearerToken });
  servers.push(server);
  await listenOn(server, 0, '127.0.0.1');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

test('without a token the registry is served as Prometheus text, and no cache keeps it', async () => {
  const response = await fetch(await metricsAt());
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(registry.contentType);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.text()).toMatch(/^# TYPE journeys_started_total counter\njourneys_started_total 3$/m);
});

test.each([
  ['no Authorization', {}],
  ['a wrong token', { authorization: `Bearer ${TOKEN.replace('a-', 'b-')}` }],
  ['the token cut short', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ['the token with more after it', { authorization: `Bearer ${TOKEN}x` }],
  ['the token as Basic credentials', { authorization: `Basic ${TOKEN}` }],
])('with a token configured, %s gets 401 and no metrics', async (_name, headers: Record<string, string>) => {
  const response = await fetch(await metricsAt(TOKEN), { headers });
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  expect(await response.text()).not.toContain('journeys_started_total');
});

test('with a token configured, a scraper sending it gets the metrics', async () => {
  const response = await fetch(await metricsAt(TOKEN), { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('journeys_started_total 3');
});
