/**
 * Drill 3: Redis restarted in the middle of a journey, and again while the secure page saves a new
 * certificate. The Redis here is started with `--appendonly yes --appendfsync always` in a
 * temporary folder, like a production Redis with persistence: without it a restart would lose
 * every conversation and the question would be moot. (test/state/conversationOnRedis.test.ts has
 * the same outage on a TestAdapter at the language step; this is the whole server over HTTP.)
 *
 * - While Redis is down the customer gets the apology with a reference (`system.error`, "문의 번호"),
 *   and the page's calls a clear 503 `unavailable` (the page offers to try again).
 * - Once it is back, the next message continues at the step saved before the outage, and the page's
 *   call tried again completes the step: the certificate the CA issued before the outage is the
 *   customer's, delivered, not revoked, and the chat shows it by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { ApiError } from '../../src/secure/page/api';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startHttpBot } from '../support/httpBot';
import {
  CERT_PASSWORD,
  eventually,
  expectReply,
  freshRrn,
  HttpJourney,
  journaledIssuances,
  ledgerEntry,
  onInstance,
} from '../support/httpJourneys';
import { startRedisServer, TestRedisServer } from '../support/redisServer';
import { fileRecords } from '../support/recordDatabases';

/** The system of record the bot processes of this file share, read as its owner. */
const records = fileRecords();

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
  bot = await startHttpBot({ REDIS_URL: redisServer.url, STATE_KEY_PREFIX: PREFIX, CA_DIR: caDir });
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

async function restartRedis(): Promise<void> {
  await redisServer.start();
  await eventually(async () => ((await fetch(`${bot.url}/readyz`)).status === 200 ? true : undefined), 20_000, 'the bot to be ready again');
}

async function expectApology(reply: Promise<string[]>): Promise<void> {
  const texts = await reply;
  expect(texts).toHaveLength(1);
  expect(texts[0]).toContain('문의 번호');
}

test('restarted mid-journey, then again while the page saves the certificate: apologies, and the journey resumes where it was each time', async () => {
  const journey = new HttpJourney(customer, onInstance(bot.url));
  await journey.verify('인증서 발급', freshRrn(), 'issuance.terms');

  // Mid-journey, at a question in the chat.
  await redisServer.stop();
  expect((await fetch(`${bot.url}/readyz`)).status).toBe(503);
  await expectApology(journey.say('동의합니다'));
  await restartRedis();
  await journey.say('동의합니다', 'issuance.chooseType');

  // On the page: the CA issued to the device, and Redis goes away before the device says it saved the files.
  const page = await journey.page(await journey.say('은행·신용카드·보험용 (무료)', 'secureStep.open.issuance'));
  const certificate = await page.requestCertificate();
  await redisServer.stop();
  const refused = await page.save(certificate, CERT_PASSWORD).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ApiError);
  expect(refused).toMatchObject({ status: 503, code: 'unavailable' });
  // The chat, meanwhile, apologizes too.
  await expectApology(journey.say('진행 상황'));
  await restartRedis();

  // The page tries again (as its retry button does): the step completes, and the chat shows the card by itself.
  const { serialNumber } = await page.save(certificate, CERT_PASSWORD);
  const replies = await journey.hear('issuance.advice');
  expectReply(replies, 'issuance.issued');
  expect(replies.join('\n')).toContain(serialNumber);
  await eventually(
    async () => (await journaledIssuances(await records())).find((r) => r.fields.outcome === 'delivered'),
    10_000,
    'the issuance to be delivered',
  );
  expect((await ledgerEntry(await records(), serialNumber))?.revokedAt).toBeUndefined();
});
