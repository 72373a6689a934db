/**
 * Drill 6: bad input at the edge, against the built server as its own process (so a crash would
 * show as an exit), on a Redis of its own.
 *
 * Already proven elsewhere, not repeated here (test/server/httpServer.test.ts): malformed
 * activities (no conversation, no sender, a serviceUrl that is not a URL, text that is not a
 * string), an unknown activity type, a body that is not JSON (400), a body over MAX_BODY_BYTES
 * with a Content-Length (413).
 *
 * Here: an oversized body sent chunked (no Content-Length); attachments at an unknown host over
 * HTTP (files are chosen on the secure page now, so the bot fetches no attachment at all), with a
 * local server playing that host, which must see no request; and 10,000 random
 * activities from fast-check: every answer 2xx or 4xx, never 5xx, the process alive and healthy
 * afterwards.
 */
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BotProcess, startBotProcess } from '../support/botProcess';
import { ChannelStub, startChannelStub, stopBotProcess } from '../support/drills';
import { activity, post } from '../support/httpBot';
import { startRedisServer, TestRedisServer } from '../support/redisServer';

jest.setTimeout(120_000);

const RANDOM_ACTIVITIES = 10_000;
const CONCURRENCY = 16;

let redisServer: TestRedisServer;
let caDir: string;
let bot: BotProcess;
let channel: ChannelStub;
let unknownHost: Server;
let unknownHostUrl: string;
const unknownHostRequests: string[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
  caDir = mkdtempSync(join(tmpdir(), 'jca-drill-ca-'));
  bot = await startBotProcess({ REDIS_URL: redisServer.url, STATE_KEY_PREFIX: 'drill-input:', CA_DIR: caDir });
  // The channel: replies and deletes outside expectReplies land here and are acknowledged.
  channel = await startChannelStub();
  unknownHost = createServer((req, res) => {
    unknownHostRequests.push(req.url ?? '');
    res.end('not a certificate');
  }).listen(0, '127.0.0.1');
  await once(unknownHost, 'listening');
  unknownHostUrl = `http://127.0.0.1:${(unknownHost.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await channel?.close();
  unknownHost?.closeAllConnections();
  await new Promise((resolve) => unknownHost?.close(resolve));
  if (bot) await stopBotProcess(bot);
  await redisServer?.stop();
  rmSync(caDir, { recursive: true, force: true });
});

afterEach(() => {
  expect(bot?.child.exitCode).toBeNull();
  expect(bot.output()).not.toMatch(/uncaught|unhandled/i);
});

const message = (overrides: Record<string, unknown> = {}) =>
  activity({ serviceUrl: channel.serviceUrl, conversation: { id: `drill-input-${randomUUID()}` }, ...overrides });

test('an oversized body sent chunked, without a Content-Length, is refused with 413', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const request = http.request(
      `${bot.url}/api/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    // Errors after the answer (the server may close the connection mid-upload) do not matter.
    request.on('error', (err) => reject(err));
    const chunk = Buffer.from(`"${'가'.repeat(20_000)}`);
    request.write('{"type":"message","text":');
    for (let i = 0; i < 20; i++) request.write(chunk);
    request.end('"}');
  }).catch((err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 413 : 0));
  expect(status).toBe(413);
});

test('attachments at an unknown host are never fetched, and the message is answered, not failed', async () => {
  const attachments = [
    { name: 'signCert.der', contentType: 'application/octet-stream', contentUrl: `${unknownHostUrl}/signCert.der` },
    { name: 'signPri.key', contentType: 'application/octet-stream', contentUrl: `${unknownHostUrl}/signPri.key` },
  ];
  const conversation = { id: `drill-input-${randomUUID()}` };
  // At the menu, and at the start of registration, whose files are chosen on the secure page: a
  // file sent to the chat is answered with where to choose it, never fetched.
  const answers = await Promise.all([
    post(bot.url, message({ conversation, attachments, text: undefined })),
    post(bot.url, message({ attachments, text: '인증서 등록' })),
  ]);
  for (const { status } of answers) {
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
  }
  expect(answers[0]?.body.activities.length).toBeGreaterThan(0);
  expect(unknownHostRequests).toEqual([]);
});

/** A JSON body that may or may not be an activity, shaped to reach as many paths as possible. */
function randomBodies(serviceUrl: string, unknown: string) {
  const account = fc.oneof(
    fc.record({
      id: fc.oneof(fc.constantFrom('u1', 'bot', 'constructor', '__proto__'), fc.string({ maxLength: 600 })),
      name: fc.option(fc.string()),
    }),
    fc.anything(),
  );
  const text = fc.oneof(
    fc.constantFrom(
      '인증서 발급',
      '타기관 인증서 등록',
      '재발급',
      '취소',
      '처음으로',
      '상담원',
      'English',
      '네',
      '900101-1234567',
      '010-2468-1357',
      '123456',
      'Gildong#2026!',
      '',
    ),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.string({ maxLength: 5000 }),
  );
  const attachment = fc.record(
    {
      contentType: fc.oneof(fc.constantFrom('application/octet-stream', 'application/zip', 'image/png'), fc.string()),
      contentUrl: fc.oneof(
        {
          arbitrary: fc.oneof(
            fc.webUrl(),
            fc.constant(`${unknown}/x`),
            fc.constant('data:application/octet-stream;base64,AAAA'),
            fc.string(),
          ),
          weight: 19,
        },
        { arbitrary: fc.anything(), weight: 1 },
      ),
      name: fc.oneof(
        { arbitrary: fc.oneof(fc.constantFrom('signCert.der', 'signPri.key', 'NPKI.zip', 'a.pfx'), fc.string()), weight: 19 },
        { arbitrary: fc.anything(), weight: 1 },
      ),
      content: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const activityLike = fc.record(
    {
      type: fc.oneof(
        fc.constantFrom(
          'message',
          'conversationUpdate',
          'event',
          'invoke',
          'typing',
          'endOfConversation',
          'messageReaction',
          'installationUpdate',
          'trace',
          'handoff',
          'command',
        ),
        fc.string(),
      ),
      id: fc.oneof(fc.uuid(), fc.string({ maxLength: 600 })),
      channelId: fc.oneof(
        fc.constantFrom('test', 'directline', 'webchat', 'msteams', 'slack', 'sms', 'emulator', 'constructor', '__proto__'),
        fc.string({ maxLength: 200 }),
      ),
      serviceUrl: fc.oneof(fc.constant(serviceUrl), fc.webUrl(), fc.string()),
      conversation: fc.oneof(
        fc.record({ id: fc.oneof(fc.constantFrom('fuzz-1', 'fuzz-2', 'fuzz-3'), fc.string({ maxLength: 600 })) }),
        fc.anything(),
      ),
      from: account,
      recipient: account,
      text,
      value: fc.oneof(
        fc.record({ secret: fc.string() }),
        fc.record({ state: fc.constantFrom('accepted', 'completed', 'failed') }),
        fc.anything(),
      ),
      name: fc.constantFrom('handoff.status', 'handoff.initiate', 'adaptiveCard/action', 'signin/verifyState', 'x'),
      attachments: fc.oneof(fc.array(attachment, { maxLength: 12 }), fc.anything()),
      membersAdded: fc.array(account, { maxLength: 3 }),
      deliveryMode: fc.oneof(fc.constantFrom('expectReplies', 'normal', 'notification'), fc.string()),
      entities: fc.anything(),
      locale: fc.oneof(fc.constantFrom('ko-KR', 'en-US'), fc.string()),
    },
    { requiredKeys: [] },
  );
  const member = fc.record({ id: fc.oneof(fc.constantFrom('u1', 'bot'), fc.string({ minLength: 1, maxLength: 40 })) });
  // Most bodies are a well-formed activity with random content (so they reach the bot and its
  // flows), some have random fields broken, the rest are anything at all.
  const wellFormed = fc
    .record({
      type: fc.constantFrom(
        'message',
        'message',
        'message',
        'conversationUpdate',
        'event',
        'invoke',
        'typing',
        'endOfConversation',
        'messageReaction',
      ),
      id: fc.uuid(),
      channelId: fc.constantFrom('test', 'directline', 'webchat', 'msteams', 'slack', 'sms', 'emulator', 'telegram', 'someChannel'),
      conversation: fc.record({ id: fc.constantFrom('fuzz-1', 'fuzz-2', 'fuzz-3', 'fuzz-4') }),
      from: fc.record({ id: fc.constantFrom('u1', 'u2') }),
      text,
    })
    .map((base) => ({ ...base, serviceUrl, recipient: { id: 'bot' } }));
  const withRandomContent = fc.tuple(
    wellFormed,
    fc.record(
      {
        value: fc.anything(),
        name: fc.string(),
        attachments: fc.array(attachment, { maxLength: 3 }),
        membersAdded: fc.array(fc.oneof({ arbitrary: member, weight: 9 }, { arbitrary: fc.anything(), weight: 1 }), { maxLength: 3 }),
        membersRemoved: fc.array(member, { maxLength: 1 }),
        replyToId: fc.anything(),
        timestamp: fc.anything(),
        channelData: fc.anything(),
        deliveryMode: fc.constantFrom('expectReplies', 'normal'),
        entities: fc.anything(),
        locale: fc.string(),
      },
      { requiredKeys: [] },
    ),
  );
  const withBrokenFields = fc.tuple(wellFormed, activityLike);
  return fc.oneof(
    { arbitrary: withRandomContent.map(([base, extra]) => ({ ...base, ...extra })), weight: 6 },
    { arbitrary: withBrokenFields.map(([base, broken]) => ({ ...base, ...broken })), weight: 3 },
    { arbitrary: activityLike, weight: 1 },
    { arbitrary: fc.anything(), weight: 1 },
  );
}

test(`${RANDOM_ACTIVITIES} random activities from fast-check: never a 5xx, and the server is healthy afterwards`, async () => {
  const bodies = fc.sample(randomBodies(channel.serviceUrl, unknownHostUrl), { numRuns: RANDOM_ACTIVITIES, seed: 20261127 });
  const statuses = new Map<number, number>();
  const failures: Array<{ status: number; body: string }> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const serialized = typeof body === 'string' ? body : (JSON.stringify(body) ?? 'null');
      const response = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: serialized,
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500 || response.status < 200) failures.push({ status: response.status, body: serialized.slice(0, 300) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  expect(failures.slice(0, 5)).toEqual([]);
  process.stdout.write(`random activities by status: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  // Some reached the bot and some were refused, so both paths were exercised.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(RANDOM_ACTIVITIES / 5);
  expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
  expect(unknownHostRequests).toEqual([]);

  expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
  const { status, body } = await post(bot.url, message({ text: '안녕하세요' }));
  expect(status).toBe(200);
  expect(body.activities[0].text).toContain('공동인증서 도우미');
});
