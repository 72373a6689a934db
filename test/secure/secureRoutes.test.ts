import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import restify, { type Server } from 'restify';
import type { SecureStepSpec } from '../../dialogs/contract/secure';
import { PageDisplayOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { RedisVerificationLimits } from '../../src/identity/verificationLimits';
import { createLogger } from '../../src/logging/logger';
import { connectPostgres, type Database } from '../../src/records/database';
import { SqlConsentLog } from '../../src/records/sqlConsentLog';
import { registerSecureRoutes } from '../../src/secure/secureRoutes';
import { RedisSecureStore } from '../../src/secure/secureStore';
import { useParsers } from '../../src/server/createServer';
import { useSecurityHeaders } from '../../src/server/securityHeaders';
import { keysMatching, useSharedRedis } from '../support/redisCleanup';
import { fileDatabaseUrl } from '../support/testDatabase';
import { CUSTOMER, harness, SECURE_ORIGIN, type Harness } from './secureHarness';

// The page's API over HTTP, on a server set up as the app's, with its state on the shared Redis and
// its consents in the system of record: what a browser (or a messenger's link preview) can do with
// a ticket, and what is left behind.
const prefix = `jca-test-secure-${randomUUID()}:`;
const redis = useSharedRedis(prefix);
const logLines: string[] = [];
let records: Database;
let h: Harness;
let server: Server;
let url: string;

const IDENTITY: SecureStepSpec = { kind: 'identity', journey: 'issuance' };

beforeAll(async () => {
  const page = mkdtempSync(join(tmpdir(), 'jca-secure-page-'));
  writeFileSync(join(page, 'index.html'), '<!doctype html><title>secure</title>');
  writeFileSync(join(page, 'secure.js'), '');
  writeFileSync(join(page, 'secure.css'), '');
  // Every level, so that whatever any part would log is seen.
  const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
  records = connectPostgres(await fileDatabaseUrl(), { asBot: true });
  h = harness({
    store: (clock) => new RedisSecureStore(redis(), prefix, clock),
    consents: new SqlConsentLog(records),
    limits: new RedisVerificationLimits(redis(), { prefix }),
    logger,
  });
  // The sandbox's own sender logs each code it "sends"; that line must hold no digits either.
  await new PageDisplayOtpSender(logger).send({ phone: { masked: '010-****-5678' } as never, code: '000000', purpose: 'identity' });
  server = restify.createServer({ handleUncaughtExceptions: false });
  useSecurityHeaders(server, SECURE_ORIGIN);
  useParsers(server);
  registerSecureRoutes(server, {
    steps: h.steps,
    page,
    origin: () => SECURE_ORIGIN,
    secureCookies: true,
    framedBy: ['https://chat.bank.example'],
    connectsTo: ['https://ca.bank.example'],
    logger,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await records.close();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

/** A call of the page, from its origin unless told otherwise, with its cookie when it has one. */
async function call(path: string, body: unknown, options: { cookie?: string; origin?: string | null } = {}): Promise<Answer> {
  const response = await fetch(`${url}/secure/api/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.origin === null ? {} : { origin: options.origin ?? SECURE_ORIGIN }),
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

/** Opens a ticket as the page does: the cookie to send back (`jca_secure=…`). */
async function open(ticket: string): Promise<{ cookie: string; answer: Answer }> {
  const answer = await call('open', { ticket });
  expect(answer.status).toBe(200);
  return { cookie: (answer.headers.get('set-cookie') ?? '').split(';')[0] as string, answer };
}

test('a GET of the link (a messenger previewing it) serves the page with strict headers and leaves the ticket usable', async () => {
  const ticket = await h.open(IDENTITY, { conversation: 'preview' });
  const preview = await fetch(`${url}/secure/${ticket}`);
  expect(preview.status).toBe(200);
  expect(await preview.text()).toContain('<title>secure</title>');
  expect(preview.headers.get('cache-control')).toBe('no-store');
  expect(preview.headers.get('referrer-policy')).toBe('no-referrer');
  const csp = preview.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'self' https://chat.bank.example");
  expect(csp).toContain("connect-src 'self' https://ca.bank.example");
  await fetch(`${url}/secure/${ticket}`);
  const { answer } = await open(ticket);
  expect(answer.body).toMatchObject({ kind: 'identity', language: 'ko' });
});

test('the ticket binds an HttpOnly, SameSite=Strict cookie on /secure; a reload with it is the same page, anyone else gets 410', async () => {
  const ticket = await h.open(IDENTITY, { conversation: 'reload' });
  const { cookie, answer } = await open(ticket);
  const attributes = answer.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^jca_secure=[A-Za-z0-9_-]{43}$/);
  expect(attributes).toMatch(/; HttpOnly; SameSite=Strict; Path=\/secure; Secure; Max-Age=600$/);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  const reload = await call('open', { ticket }, { cookie });
  expect(reload.status).toBe(200);
  expect(reload.headers.get('set-cookie')).toBeNull();
  expect(reload.body).toEqual(answer.body);
  expect(await call('open', { ticket })).toMatchObject({ status: 410, body: { error: 'used' } });
  expect(await call('open', { ticket: randomBytes(32).toString('base64url') })).toMatchObject({ status: 404, body: { error: 'unknown' } });
});

test('calls from any other origin, or with none, are refused', async () => {
  const ticket = await h.open(IDENTITY, { conversation: 'origin' });
  for (const origin of ['https://evil.example', 'https://chat.bank.example', null])
    expect((await call('open', { ticket }, { origin })).status).toBe(403);
  await open(ticket);
});

test('every call but open and continue needs the cookie', async () => {
  const calls: Array<[string, unknown]> = [
    ['consent', { accepted: [] }],
    ['identity/start', CUSTOMER],
    ['identity/verify', { code: '123456' }],
    ['additional/start', {}],
    ['additional/verify', { code: '123456' }],
    ['issuance/authorize', {}],
    ['issuance/saved', { serialNumber: '1a' }],
    ['proof', { certificate: 'AQID', signature: 'BAU=' }],
    ['wrong-password', {}],
    ['cancel', {}],
    ['handover', { to: 'pc' }],
  ];
  for (const [path, body] of calls) expect([path, (await call(path, body)).status]).toEqual([path, 401]);
  expect((await call('continue', { code: 'ABCDEFGH' })).status).toBe(404);
});

test('a whole 본인 인증 leaves no ticket, 주민등록번호, code or phone number in the logs, in Redis or in the records', async () => {
  const ticket = await h.open(IDENTITY, { conversation: 'scan' });
  await fetch(`${url}/secure/${ticket}`);
  const { cookie, answer } = await open(ticket);
  expect((await call('consent', { accepted: answer.body.consents }, { cookie })).status).toBe(200);
  const sent = await call('identity/start', CUSTOMER, { cookie });
  expect(sent).toMatchObject({ status: 200, body: { maskedPhone: '010-****-5678' } });
  const code = String(sent.body.sandboxCode);
  expect((await call('identity/verify', { code: code === '000000' ? '111111' : '000000' }, { cookie })).body).toMatchObject({
    wrong: true,
  });
  expect((await call('identity/verify', { code }, { cookie })).body).toEqual({ verified: true });
  expect(h.delivered.at(-1)?.event.type).toBe('IDENTITY_VERIFIED');
  expect((await call('cancel', {}, { cookie })).body).toEqual({ error: 'used' });

  const secrets = [ticket, cookie.slice('jca_secure='.length), '9001011234567', '1234567', '01012345678', '12345678', code];
  const logs = logLines.join('\n');
  expect(logs).toContain('secure step ended');
  for (const secret of secrets) expect(logs).not.toContain(secret);
  const keys = await keysMatching(redis(), `${prefix}*`);
  expect(keys.some((key) => key.startsWith(`${prefix}secure/ticket/`))).toBe(true);
  const values = await Promise.all(
    keys.map(async (key) => {
      const type = await redis().type(key);
      if (type === 'string') return (await redis().get(key)) ?? '';
      if (type === 'zset') return (await redis().zrange(key, 0, -1)).join(' ');
      if (type === 'stream') return JSON.stringify(await redis().xrange(key, '-', '+'));
      return '';
    }),
  );
  const consents = JSON.stringify(await records.query(`SELECT * FROM consents`));
  const audit = JSON.stringify(await records.query(`SELECT * FROM audit_log WHERE category = 'consent'`));
  // The consents given on the page are on record.
  expect(consents).toContain('"consent":"personalData"');
  const stored = [...keys, ...values, consents, audit].join('\n');
  for (const secret of [...secrets, CUSTOMER.name]) expect(stored).not.toContain(secret);
});

test('"continue on a PC" over HTTP: the code from the phone gives the PC a fresh ticket for the same step', async () => {
  const ticket = await h.open(IDENTITY, { conversation: 'handover' });
  const phone = await open(ticket);
  const handover = await call('handover', { to: 'pc' }, { cookie: phone.cookie });
  expect(handover.body.code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
  const page = await fetch(`${url}/secure/continue`);
  expect(page.status).toBe(200);
  const continued = await call('continue', { code: handover.body.code });
  expect(continued.body.url).toBe(`${SECURE_ORIGIN}/secure/${String(continued.body.ticket)}`);
  const pc = await open(String(continued.body.ticket));
  expect(pc.answer.body).toMatchObject({ kind: 'identity' });
  expect((await call('consent', { accepted: [] }, { cookie: phone.cookie })).body).toEqual({ error: 'expired' });
});

test('bodies that are not what a call takes are refused before anything is done', async () => {
  const ticket = await h.open(IDENTITY, { conversation: 'bodies' });
  const { cookie } = await open(ticket);
  expect((await call('identity/start', { ...CUSTOMER, name: '' }, { cookie })).status).toBe(400);
  expect((await call('proof', { certificate: 'not base64!', signature: '' }, { cookie })).status).toBe(400);
  expect((await call('handover', { to: 'fax' }, { cookie })).status).toBe(400);
});
