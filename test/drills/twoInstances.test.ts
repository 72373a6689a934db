/**
 * Drills 1 and 2: two bot processes (the built server, as deployed) on one Redis of their own,
 * sharing SECRETS_KEY and CA_DIR, as two instances behind a round-robin load balancer.
 *
 * 1. Duplicate delivery over HTTP, concurrently, to both instances at once and to one instance
 *    several times: one answer, one state change. (Sequential redelivery and the two-instance
 *    case on TestAdapters are in test/state/conversationOnRedis.test.ts; the deduplicator's
 *    contract is in test/state/activityDeduplicator.test.ts.)
 * 2. One conversation's turns alternate between the two processes across a whole issuance, and
 *    each secure step's page is served by the instance that did not make its link, while the chat
 *    goes on on the other: no step is lost, and what the page completes reaches the chat by itself.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { BotProcess, startBotProcess } from '../support/botProcess';
import { HttpCustomer } from '../support/httpCustomer';
import { expectReply, freshRrn, HttpJourney, journaledIssuances, ledgerEntry } from '../support/httpJourneys';
import { startRedisServer, TestRedisServer } from '../support/redisServer';
import { stopBotProcess } from '../support/drills';
import { fileRecords } from '../support/recordDatabases';

/** The system of record the bot processes of this file share, read as its owner. */
const records = fileRecords();

jest.setTimeout(60_000);

const PREFIX = 'drill-two:';
let redisServer: TestRedisServer;
let redis: Redis;
let caDir: string;
let first: BotProcess;
let second: BotProcess;
let customer: HttpCustomer;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url);
  caDir = mkdtempSync(join(tmpdir(), 'jca-drill-ca-'));
  const env = { REDIS_URL: redisServer.url, STATE_KEY_PREFIX: PREFIX, SECRETS_KEY: randomBytes(32).toString('base64'), CA_DIR: caDir };
  // One after the other: the first creates the sandbox CAs in CA_DIR, the second loads them.
  first = await startBotProcess(env);
  second = await startBotProcess(env);
  customer = await HttpCustomer.start();
});

afterAll(async () => {
  await customer?.close();
  await Promise.all([first, second].map((bot) => bot && stopBotProcess(bot)));
  redis?.disconnect();
  await redisServer?.stop();
  rmSync(caDir, { recursive: true, force: true });
});

afterEach(() => {
  for (const bot of [first, second]) expect(bot.output()).not.toContain('"turn failed"');
});

/** The customer lines of the conversation's saved transcript. */
async function customerLines(conversationId: string): Promise<string[]> {
  const lines = (await redis.lrange(`${PREFIX}transcript/test/${conversationId}`, 0, -1)).map(
    (line) => JSON.parse(line) as { from: string; text?: string },
  );
  return lines.filter((entry) => entry.from === 'customer').map((entry) => entry.text ?? '');
}

describe('drill 1: the same activity delivered twice, concurrently and in sequence, over HTTP', () => {
  test('to both instances at once: one answer, one state change', async () => {
    const duplicate = await HttpCustomer.start();
    try {
      await duplicate.say(first.url, '안녕하세요');
      const id = randomUUID();
      const [a, b] = await Promise.all([first, second].map((bot) => duplicate.send(bot.url, { id, text: '공동인증서란?' })));
      expect([a?.length ?? 0, b?.length ?? 0].filter((n) => n > 0)).toHaveLength(1);
      expect(await customerLines(duplicate.conversationId)).toEqual(['안녕하세요', '공동인증서란?']);
    } finally {
      await duplicate.close();
    }
  });

  test('again after it was answered, to the other instance: no second answer, no second state change', async () => {
    const duplicate = await HttpCustomer.start();
    try {
      await duplicate.say(first.url, '안녕하세요');
      const id = randomUUID();
      const answered = await duplicate.send(first.url, { id, text: '인증서 발급' });
      expectReply(
        answered.map((a: { text?: string }) => a.text ?? ''),
        'secureStep.open.identity',
      );
      expect(await duplicate.send(second.url, { id, text: '인증서 발급' })).toEqual([]);
      expect(await duplicate.send(first.url, { id, text: '인증서 발급' })).toEqual([]);
      expect(await customerLines(duplicate.conversationId)).toEqual(['안녕하세요', '인증서 발급']);
    } finally {
      await duplicate.close();
    }
  });

  test('five copies to one instance at once: one answer, one state change', async () => {
    const duplicate = await HttpCustomer.start();
    try {
      await duplicate.say(second.url, '안녕하세요');
      const id = randomUUID();
      const answers = await Promise.all(Array.from({ length: 5 }, () => duplicate.send(second.url, { id, text: '인증서 발급' })));
      const answered = answers.filter((activities) => activities.length > 0);
      expect(answered).toHaveLength(1);
      expectReply(answered[0]?.map((a: { text?: string }) => a.text ?? '') ?? [], 'secureStep.open.identity');
      expect(await customerLines(duplicate.conversationId)).toEqual(['안녕하세요', '인증서 발급']);
    } finally {
      await duplicate.close();
    }
  });
});

describe('drill 2: one conversation, turns alternating between two processes', () => {
  test('a whole issuance, each page on the other instance than its link, loses no step', async () => {
    const bots = [first, second];
    const other = (link: string) => (bots.find((bot) => new URL(bot.url).origin !== new URL(link).origin) as BotProcess).url;
    const journey = new HttpJourney(customer, { chat: (turn) => (bots[turn % 2] as BotProcess).url, page: other });
    const { serialNumber, replies } = await journey.issue(freshRrn());
    expectReply(replies, 'issuance.issued');
    expect(replies.join('\n')).toContain(serialNumber);
    // Three pages (본인 인증, 추가 인증, 발급), their links made by both instances, each page served by the other one.
    const origin = (url: string) => new URL(url).origin;
    expect(journey.pages).toHaveLength(3);
    expect(new Set(journey.pages.map((page) => origin(page.link)))).toEqual(new Set(bots.map((bot) => origin(bot.url))));
    for (const page of journey.pages) expect(origin(page.via ?? page.link)).not.toBe(origin(page.link));
    // Every issuance the journal saw was delivered, and the certificate stands.
    const journal = await journaledIssuances(await records());
    expect(journal.map((record) => record.fields.outcome)).toEqual(['delivered']);
    expect((await ledgerEntry(await records(), serialNumber))?.revokedAt).toBeUndefined();
  });
});
