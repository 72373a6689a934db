import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import restify from 'restify';
import { RedisCaRegistrations } from '../../src/certificates/ca/caRegistrations';
import { CA_ISSUANCE_PATH } from '../../src/certificates/ca/issuanceEndpoint';
import { CertificateService, createCertificateService } from '../../src/certificates/certificateService';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { CaRefusal, requestCertificate } from '../../src/device/caClient';
import { generateDeviceKeyPair, newRandomNum } from '../../src/device/deviceKeys';
import { registerCaRoutes } from '../../src/server/caRoutes';
import { connectPostgres, type Database } from '../../src/records/database';
import { SecretBox } from '../../src/state/secretBox';
import { databaseCertificateStores, memoryCertificateStores } from '../../src/stores';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';
import { fileDatabaseUrl } from '../support/testDatabase';
import { CUSTOMER_ID, IDN, registration } from './deviceSupport';

/**
 * The CA's route on the running app: the bank's side (here, the test's own certificate core on the
 * same Redis, database, CA folder and secrets key, as another instance would be) registers the
 * customer; the device asks the app's endpoint over HTTP.
 */
const prefix = `jca-test-device-http-${process.pid}:`;
const secretsKey = randomBytes(32);
const caDirectory = mkdtempSync(join(tmpdir(), 'jca-device-http-'));
let redis: Redis;
let records: Database;
let bot: RunningBot;
let ra: CertificateService;
let endpointUrl: string;

beforeAll(async () => {
  redis = new Redis(SHARED_REDIS_URL);
  bot = await startHttpBot({
    REDIS_URL: SHARED_REDIS_URL,
    STATE_KEY_PREFIX: prefix,
    SECRETS_KEY: secretsKey.toString('base64'),
    CA_DIR: caDirectory,
  });
  endpointUrl = `${bot.url}${CA_ISSUANCE_PATH}`;
  // The app's records are the test file's database; the CA's registrations are Redis's, as the app keeps them.
  records = connectPostgres(await fileDatabaseUrl(), { asBot: true });
  const box = new SecretBox(secretsKey);
  ra = await createCertificateService({
    caDirectory,
    crlUrl: (caId) => `${bot.url}/ca/${caId}.crl`,
    stores: { ...databaseCertificateStores(records, box), caRegistrations: new RedisCaRegistrations(redis, box, prefix) },
  });
}, 60_000);

afterAll(async () => {
  await bot?.app.close();
  await records?.close();
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
});

async function ask(authorization: { referenceNumber: string; authCode: string }) {
  return requestCertificate({
    endpoint: { url: endpointUrl, certificate: ra.authority.endpoint.certificate },
    authorization,
    keyPair: await generateDeviceKeyPair(),
    randomNum: newRandomNum(),
  });
}

async function redisDump(): Promise<string> {
  const values: string[] = [];
  for (const key of await keysMatching(redis, `${prefix}*`)) {
    const type = await redis.type(key);
    if (type === 'string') values.push(key, (await redis.get(key)) ?? '');
    else if (type === 'hash') values.push(key, ...Object.entries(await redis.hgetall(key)).flat());
    else if (type === 'stream') values.push(key, ...(await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields));
    else values.push(key);
  }
  return values.join('\n');
}

test('the device gets its certificate from the app’s endpoint; the registration is sealed while it waits', async () => {
  const authorization = await ra.authority.register(registration());
  const waiting = await redisDump();
  for (const secret of [IDN, authorization.authCode, '홍길동']) expect(waiting).not.toContain(secret);

  const { certificate, chain } = await ask(authorization);
  const summary = await inspectCertificate(certificate);
  expect(chain.map((der) => Buffer.from(der).toString('base64'))).toEqual([ra.bankCa.issuingCertificate.raw.toString('base64')]);
  // The app's instance recorded it where every instance reads.
  expect(await ra.list(CUSTOMER_ID)).toEqual([expect.objectContaining({ serialNumber: summary.serialNumber, origin: 'issued' })]);
  expect(await redis.exists(`${prefix}ca/registration/${authorization.referenceNumber}`)).toBe(0);
  expect(await redisDump()).not.toContain(IDN);

  await expect(ask(authorization)).rejects.toEqual(new CaRefusal(410, 'usedReference'));
});

test('refusals over HTTP carry their reason and a status a client can act on', async () => {
  const authorization = await ra.authority.register(registration({ customerId: 'customer-http-refused' }));
  await expect(ask({ ...authorization, authCode: 'not-the-code' })).rejects.toEqual(new CaRefusal(403, 'badMac'));
  await expect(ask({ ...authorization, referenceNumber: 'cd'.repeat(16) })).rejects.toEqual(new CaRefusal(404, 'unknownReference'));

  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(endpointUrl, { method: 'POST', headers, body }).then(async (response) => ({
      status: response.status,
      body: await response.text(),
    }));
  expect(await post('{"referenceNumber":1}')).toEqual({ status: 400, body: '{"error":"malformedRequest"}' });
  expect((await post('{', {})).status).toBe(415);
  expect((await post(JSON.stringify({ padding: 'x'.repeat(20_000) }))).status).toBe(413);
  const response = await fetch(endpointUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(response.headers.get('cache-control')).toBe('no-store');
});

describe('a page on another origin', () => {
  let server: restify.Server;
  let url: string;

  beforeAll(async () => {
    const core = await createCertificateService({
      caDirectory: mkdtempSync(join(tmpdir(), 'jca-device-cors-')),
      crlUrl: () => 'http://127.0.0.1/crl',
      stores: memoryCertificateStores(),
    });
    server = restify.createServer({ handleUncaughtExceptions: false });
    registerCaRoutes(server, { endpoint: core.issuanceEndpoint(async () => undefined), allowedOrigins: ['https://secure.bank.example'] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CA_ISSUANCE_PATH}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('may call only when allowed: the preflight and the answer name it', async () => {
    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://secure.bank.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://secure.bank.example');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const answer = await fetch(url, {
      method: 'POST',
      headers: { origin: 'https://secure.bank.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://secure.bank.example');
  });
});
