import type { AddressInfo } from 'node:net';
import restify, { type Server } from 'restify';
import { AgentDirectory, hashAgentPassword } from '../../src/agentDesk/agentAccounts';
import { MemoryAgentSessions } from '../../src/agentDesk/agentSessions';
import { registerOpsRoutes } from '../../src/agentDesk/opsRoutes';
import { parseAgentAccounts } from '../../src/config/agents';
import type { JourneyEvent, JourneyEventLog } from '../../src/metrics/journeyEvents';
import type { Database } from '../../src/records/database';
import { SqlJourneyEventLog } from '../../src/records/sqlJourneyEventLog';
import { useParsers } from '../../src/server/createServer';
import { useSecurityHeaders } from '../../src/server/securityHeaders';
import { RECORD_DATABASES } from '../support/recordDatabases';

/** The server's "now": the default period is the 7 days before it. */
const NOW = Date.parse('2025-03-10T12:00:00.000Z');
const SUPERVISOR = 'boss';
const AGENT = 'kim';

let db: Database;
let events: SqlJourneyEventLog;
let server: Server;
let url: string;
const tokens: Record<string, string> = {};
const sessions = new MemoryAgentSessions({ ttlSeconds: 3600 });

/** The journeys' events of the first days of March, and two outside the default period. */
function seed(): JourneyEvent[] {
  const on = (day: number, journey: string, event: JourneyEvent['event'], step: string, times = 1): JourneyEvent[] =>
    Array.from({ length: times }, () => ({ at: new Date(Date.UTC(2025, 2, day, 3)), journey, event, step }));
  return [
    ...on(4, 'issuing', 'started', 'identity', 5),
    ...on(4, 'issuing', 'reached', 'identity', 5),
    ...on(5, 'issuing', 'reached', 'keys', 2),
    ...on(5, 'issuing', 'reached', 'consent', 4),
    ...on(5, 'issuing', 'abandoned', 'identity', 1),
    ...on(5, 'issuing', 'abandoned', 'consent', 2),
    ...on(6, 'issuing', 'handedOff', 'consent', 1),
    ...on(6, 'issuing', 'failed', 'keys', 1),
    ...on(6, 'issuing', 'completed', 'keys', 1),
    ...on(9, 'registering', 'started', 'pickCertificate', 2),
    ...on(9, 'registering', 'completed', 'pickCertificate', 1),
    // Eight days and more before NOW: only in periods asked for.
    ...on(1, 'reissuing', 'started', 'identity', 3),
    ...on(2, 'issuing', 'started', 'identity', 1),
  ];
}

async function start(journeyEvents: Pick<JourneyEventLog, 'counts'>): Promise<{ server: Server; url: string }> {
  const directory = new AgentDirectory(
    parseAgentAccounts(
      `${AGENT}:${await hashAgentPassword('kim-password-123')},${SUPERVISOR}:${await hashAgentPassword('boss-password-123')}`,
    ),
  );
  const app = restify.createServer({ handleUncaughtExceptions: false });
  useSecurityHeaders(app, 'http://127.0.0.1');
  useParsers(app);
  registerOpsRoutes(app, { sessions, directory, scope: { isSupervisor: (id) => id === SUPERVISOR }, journeyEvents, clock: () => NOW });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  return { server: app, url: `http://127.0.0.1:${(app.address() as AddressInfo).port}` };
}

/** The funnel as `as` asks for it (null: nobody signed in). */
async function funnel(query: string, as: string | null = SUPERVISOR, base = url): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = as === null ? {} : { authorization: `Bearer ${tokens[as]}` };
  const response = await fetch(`${base}/agent/api/ops/funnel${query}`, { headers });
  return { status: response.status, body: await response.json() };
}

const close = (app: Server) => new Promise<void>((resolve) => app.close(() => resolve()));

beforeAll(async () => {
  const [, open] = RECORD_DATABASES[0]!;
  db = await open();
  events = new SqlJourneyEventLog(db);
  await events.record(seed());
  ({ server, url } = await start(events));
  tokens[SUPERVISOR] = await sessions.create(SUPERVISOR);
  tokens[AGENT] = await sessions.create(AGENT);
});
afterAll(async () => {
  if (server !== undefined) await close(server);
  await db?.close();
});

test('a supervisor gets each journey funnel over the last 7 days: started, steps by how many reached them, completed', async () => {
  const { status, body } = await funnel('');
  expect(status).toBe(200);
  expect(body).toEqual({
    from: '2025-03-03T12:00:00.000Z',
    to: '2025-03-10T12:00:00.000Z',
    journeys: [
      {
        journey: 'issuing',
        funnel: [
          { stage: 'started', count: 5 },
          { stage: 'reached', step: 'identity', count: 5 },
          { stage: 'reached', step: 'consent', count: 4 },
          { stage: 'reached', step: 'keys', count: 2 },
          { stage: 'completed', count: 1 },
        ],
        abandoned: [
          { step: 'consent', count: 2 },
          { step: 'identity', count: 1 },
        ],
        handedOff: 1,
        failed: 1,
      },
      {
        journey: 'registering',
        funnel: [
          { stage: 'started', count: 2 },
          { stage: 'completed', count: 1 },
        ],
        abandoned: [],
        handedOff: 0,
        failed: 0,
      },
    ],
  });
});

test('the period asked for, as instants with their offset or as dates (UTC midnights), is the one counted', async () => {
  const kst = await funnel(
    `?from=${encodeURIComponent('2025-03-01T00:00:00+09:00')}&to=${encodeURIComponent('2025-03-03T00:00:00+09:00')}`,
  );
  expect(kst.status).toBe(200);
  expect(kst.body.from).toBe('2025-02-28T15:00:00.000Z');
  expect(kst.body.journeys.map((j: any) => [j.journey, j.funnel[0].count])).toEqual([
    ['issuing', 1],
    ['reissuing', 3],
  ]);
  const dates = await funnel('?from=2025-03-02&to=2025-03-05');
  expect(dates.body.journeys.map((j: any) => [j.journey, j.funnel[0].count])).toEqual([['issuing', 6]]);
  const quiet = await funnel('?from=2024-01-01&to=2024-02-01');
  expect(quiet).toEqual({ status: 200, body: { from: '2024-01-01T00:00:00.000Z', to: '2024-02-01T00:00:00.000Z', journeys: [] } });
});

test('a period that is empty, reversed, unreadable or longer than 366 days is refused', async () => {
  for (const query of [
    '?from=2025-03-05&to=2025-03-05',
    '?from=2025-03-06&to=2025-03-05',
    '?from=yesterday',
    '?to=2025-13-01',
    '?from=1741000000000',
  ])
    expect([query, await funnel(query)]).toEqual([query, { status: 400, body: { error: 'badPeriod' } }]);
  expect(await funnel('?from=2024-01-01&to=2025-01-02')).toEqual({ status: 400, body: { error: 'periodTooLong' } });
  expect((await funnel('?from=2024-01-01&to=2025-01-01')).status).toBe(200);
});

test('the numbers are for supervisors: an agent gets 403, nobody signed in 401', async () => {
  expect(await funnel('', AGENT)).toEqual({ status: 403, body: { error: 'supervisorsOnly' } });
  expect(await funnel('', null)).toEqual({ status: 401, body: { error: 'signInRequired' } });
});

test('records that cannot be read are said so (503), not taken for an empty funnel', async () => {
  const broken = await start({ counts: () => Promise.reject(new Error('connection refused')) });
  try {
    expect(await funnel('', SUPERVISOR, broken.url)).toEqual({ status: 503, body: { error: 'recordsUnavailable' } });
  } finally {
    await close(broken.server);
  }
});

test('the page, its script and its stylesheet are served under a policy with no inline script or style', async () => {
  for (const [path, type] of [
    ['/agent/ops', 'text/html'],
    ['/agent/ops.js', 'text/javascript'],
    ['/agent/ops.css', 'text/css'],
  ] as const) {
    const response = await fetch(`${url}${path}`);
    expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, expect.stringContaining(type)]);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
  }
  // uPlot's stylesheet is bundled in, not fetched from anywhere.
  expect(await (await fetch(`${url}/agent/ops.css`)).text()).toContain('.uplot');
});
