import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import restify, { type Server } from 'restify';
import { loadConfig } from '../../src/config/config';
import { ACTIVITY_FEED } from '../../src/directLine/activityFeed';
import type { BotGateway } from '../../src/directLine/botGateway';
import { mountDirectLine, type DirectLineChannel } from '../../src/directLine/mountDirectLine';
import { RedisDirectLineStore } from '../../src/directLine/redisDirectLineStore';
import { customerIdOf, parseResidentRegistrationNumber } from '../../src/identity/residentRegistrationNumber';
import { customerIdKey, unsealPhone, unsealRrn } from '../../src/identity/sealedIdentity';
import { createLogger } from '../../src/logging/logger';
import { useParsers } from '../../src/server/createServer';
import { MemoryBroadcast } from '../../src/state/broadcast';
import { SecretBox } from '../../src/state/secretBox';
import { keysMatching, useSharedRedis } from '../support/redisCleanup';

// The bank's app passes its signed-in customer with the chat's token (issue I §1): the claims are
// sealed with the conversation, the token lives no longer than the app's session, and the bank's
// backend can end it when the customer signs out.
const SECRET = 'app-identity-test-secret-0123456789abcdef';
const prefix = `jca-test-app-identity-${randomUUID()}:`;
const redis = useSharedRedis(prefix);
const box = new SecretBox(randomBytes(32));
const CUSTOMER = { name: '김하나', rrn: '950505-2345678', phone: '010-9876-5432', carrier: 'KT' };
const quietBot: BotGateway = { turn: async () => [] };
let now = Date.UTC(2026, 11, 2, 9, 0, 0);
let server: Server;
let channel: DirectLineChannel;
let url: string;

beforeAll(async () => {
  server = restify.createServer({ handleUncaughtExceptions: false });
  useParsers(server);
  channel = mountDirectLine(server, {
    config: loadConfig({ DIRECTLINE_SECRET: SECRET, DIRECTLINE_TOKEN_MINUTES: '60' }),
    store: new RedisDirectLineStore(redis(), { prefix, ttlSeconds: 1800 }),
    feed: new MemoryBroadcast(ACTIVITY_FEED),
    gateway: quietBot,
    tokenKey: randomBytes(32),
    box,
    logger: createLogger('silent'),
    clock: () => now,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await channel.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function call(path: string, auth: string, body?: unknown, method = 'POST'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/v3/directline/${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** What the bank's backend does when its signed-in customer opens the chat. */
async function generate(sessionSeconds?: number, customer: Record<string, string> = CUSTOMER) {
  return call('tokens/generate', SECRET, { user: { id: `app-${randomUUID()}` }, customer, sessionSeconds });
}

test("the app's customer reaches the bot as a verified identity, and rests sealed: nothing in Redis reads as them", async () => {
  const { status, body } = await generate(600);
  expect(status).toBe(200);
  const identity = await channel.appIdentityOf(body.conversationId);
  const rrn = parseResidentRegistrationNumber(CUSTOMER.rrn, new Date(now));
  if (!rrn.ok) throw new Error('fixture');
  expect(identity).toMatchObject({
    name: '김하나',
    customerId: customerIdOf(rrn.value, customerIdKey(box)),
    maskedRrn: '950505-2******',
    birthDate: ['950505', '19950505'],
    carrier: 'KT',
    maskedPhone: '010-****-5432',
  });
  expect(unsealRrn(box, identity?.sealedRrn ?? '', new Date(now)).revealDigits()).toBe('9505052345678');
  expect(unsealPhone(box, identity?.sealedPhone ?? '').digits).toBe('01098765432');

  const keys = await keysMatching(redis(), `${prefix}*`);
  const conversationKey = keys.find((key) => key.endsWith(`{${body.conversationId as string}}`)) as string;
  expect(await redis().hget(conversationKey, 'customer')).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]+$/);
  const stored = (
    await Promise.all(keys.map(async (key) => ((await redis().type(key)) === 'hash' ? JSON.stringify(await redis().hgetall(key)) : key)))
  ).join('\n');
  for (const secret of ['김하나', '9505052345678', '2345678', '01098765432', '98765432', '950505-2******', '010-****-5432'])
    expect(stored).not.toContain(secret);
});

test('claims that are not a 주민등록번호, a mobile number or a carrier are refused, naming the field and echoing nothing', async () => {
  for (const [field, value] of [
    ['rrn', '951305-2345678'],
    ['phone', '02-555-1234'],
    ['carrier', 'pigeon'],
  ]) {
    const { status, body } = await generate(600, { ...CUSTOMER, [field as string]: value as string });
    expect({ status, body }).toEqual({ status: 400, body: { error: { code: 'BadArgument', message: `customer.${field}` } } });
  }
  const { body } = await call('tokens/generate', SECRET, { user: { id: 'app-x' }, customer: { ...CUSTOMER, name: 'x'.repeat(41) } });
  expect(body.error.message).toBe('customer.name');
});

test("the token lives no longer than the app's session, nor than DIRECTLINE_TOKEN_MINUTES, refreshes included", async () => {
  expect((await generate(7200)).body.expires_in).toBe(3600);
  const { body } = await generate(600);
  expect(body.expires_in).toBe(600);
  now += 500_000;
  const refreshed = await call('tokens/refresh', body.token);
  expect(refreshed.body.expires_in).toBe(100);
  now += 100_000;
  expect(await call('tokens/refresh', refreshed.body.token)).toMatchObject({ status: 403, body: { error: { code: 'TokenExpired' } } });
});

test('once the session ended, the conversation refuses everyone, and the bot no longer gets its customer', async () => {
  const { body } = await generate(60);
  const conversation = `conversations/${body.conversationId as string}`;
  expect((await call(`${conversation}/activities`, body.token, undefined, 'GET')).status).toBe(200);
  now += 60_000;
  expect((await call(`${conversation}/activities`, body.token, undefined, 'GET')).status).toBe(403);
  expect((await call(`${conversation}/activities`, SECRET, undefined, 'GET')).status).toBe(404);
  expect(await channel.appIdentityOf(body.conversationId)).toBeUndefined();
});

test("the bank's backend revokes a conversation when its customer signs out: its token opens nothing any more", async () => {
  const { body } = await generate(3600);
  const conversation = `conversations/${body.conversationId as string}`;
  expect(await call('tokens/revoke', body.token, { conversationId: body.conversationId })).toMatchObject({ status: 403 });
  expect((await call('tokens/revoke', SECRET, { conversationId: body.conversationId })).status).toBe(204);
  expect((await call(`${conversation}/activities`, body.token, undefined, 'GET')).status).toBe(404);
  expect((await call(`${conversation}/activities`, body.token, { type: 'message', from: { id: 'x' }, text: 'hi' })).status).toBe(404);
  expect((await call('tokens/refresh', body.token)).status).toBe(404);
  expect(await channel.appIdentityOf(body.conversationId)).toBeUndefined();
});

test('a token made without a customer (a web page, not the app) carries no identity, as before', async () => {
  const { body } = await call('tokens/generate', SECRET, { user: { id: 'web-user' } });
  expect(body.expires_in).toBe(3600);
  expect(await channel.appIdentityOf(body.conversationId)).toBeUndefined();
});
