/**
 * Drill 3: Redis restarted in the middle of a journey, and again while a certificate is being
 * issued. The Redis here is started with `--appendonly yes --appendfsync always` in a temporary
 * folder, like a production Redis with persistence: without it a restart would lose every
 * conversation and the question would be moot. (test/state/conversationOnRedis.test.ts has the
 * same outage on a TestAdapter at the language step; this is the whole server over HTTP.)
 *
 * - While Redis is down the customer gets the apology with a reference (`system.error`, "문의 번호").
 * - Once it is back, the next message continues at the step saved before the outage.
 * - During issuance: the certificate the CA issued before Redis went away is revoked, the customer
 *   is told on their next turn (`issuance.interrupted`), and that turn continues at the saved step
 *   (the password again), issuing a new certificate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startHttpBot } from '../support/httpBot';
import {
  CERT_PASSWORD,
  downloadLinkIn,
  eventually,
  expectReply,
  freshRrn,
  interruptedText,
  journaledIssuances,
  ledgerEntry,
} from '../support/httpJourneys';
import { CUSTOMER } from '../support/journeys';
import { startRedisServer, TestRedisServer } from '../support/redisServer';

jest.setTimeout(90_000);

const PREFIX = 'drill-restart:';
let redisServer: TestRedisServer;
let redis: Redis;
let dataDir: string;
let caDir: string;
let bot: RunningBot;
let customer: HttpCustomer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jca-drill-redis-'));
  caDir = mkdtempSync(join(tmpdir(), 'jca-drill-ca-'));
  redisServer = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir]);
  redis = new Redis(redisServer.url, { retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  // The pause after the CA issued gives the drill its moment to take Redis away.
  bot = await startHttpBot({ REDIS_URL: redisServer.url, STATE_KEY_PREFIX: PREFIX, CA_DIR: caDir, JCA_TEST_ISSUE_DELAY_MS: '2000' });
  customer = await HttpCustomer.start();
});

afterAll(async () => {
  await customer?.close();
  await bot?.app.close();
  redis?.disconnect();
  await redisServer?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(caDir, { recursive: true, force: true });
});

const say = (text: string) => customer.say(bot.url, text);

async function restartRedis(): Promise<void> {
  await redisServer.start();
  await eventually(async () => ((await fetch(`${bot.url}/readyz`)).status === 200 ? true : undefined), 20_000, 'the bot to be ready again');
}

async function expectApology(reply: Promise<string[]>): Promise<void> {
  const texts = await reply;
  expect(texts).toHaveLength(1);
  expect(texts[0]).toContain('문의 번호');
}

test('restarted mid-journey, then again during an issuance: apologies, and the journey resumes at the saved step each time', async () => {
  expectReply(await say('인증서 발급'), 'identity.askName');
  expectReply(await say(CUSTOMER.name), 'identity.askRrn');
  expectReply(await say(freshRrn()), 'identity.askCarrier');

  // Mid-journey.
  await redisServer.stop();
  expect((await fetch(`${bot.url}/readyz`)).status).toBe(503);
  await expectApology(say(CUSTOMER.carrier));
  await restartRedis();
  expectReply(await say(CUSTOMER.carrier), 'identity.askPhone');

  const sent = await say(CUSTOMER.phone);
  const code = /인증번호: (\d{6})/.exec(sent.join('\n'))?.[1] ?? 'no code';
  expectReply(await say(code), 'issuance.terms');
  expectReply(await say('동의합니다'), 'issuance.chooseType');
  expectReply(await say('은행·신용카드·보험용 (무료)'), 'issuance.askPassword');
  expectReply(await say(CERT_PASSWORD), 'issuance.confirmPassword');

  // During the issuance: once the CA has issued, Redis goes away.
  const answer = say(CERT_PASSWORD);
  const issued = await eventually(
    async () => (await journaledIssuances(redis, PREFIX)).find((r) => r.fields.serialNumber !== undefined),
    20_000,
    'the CA to issue',
  );
  await redisServer.stop();
  await expectApology(answer);
  await restartRedis();

  // The next message continues at the saved step (the password asked a second time): told, and issued anew.
  const replies = await say(CERT_PASSWORD);
  expect(replies[0]).toBe(await interruptedText());
  expectReply(replies, 'issuance.issued');
  expect(downloadLinkIn(replies)).toBeDefined();
  const serial = issued.fields.serialNumber as string;
  expect(await redis.hget(issued.key, 'outcome')).toBe('revoked');
  expect(await ledgerEntry(redis, PREFIX, serial)).toEqual(
    expect.objectContaining({ reason: 'cessationOfOperation', revokedAt: expect.any(String) }),
  );
});
