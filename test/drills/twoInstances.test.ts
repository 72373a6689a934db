/**
 * Drills 1 and 2: two bot processes (the built server, as deployed) on one Redis of their own,
 * sharing SECRETS_KEY and CA_DIR, as two instances behind a round-robin load balancer.
 *
 * 1. Duplicate delivery over HTTP, concurrently, to both instances at once and to one instance
 *    several times: one answer, one state change. (Sequential redelivery and the two-instance
 *    case on TestAdapters are in test/state/conversationOnRedis.test.ts; the deduplicator's
 *    contract is in test/state/activityDeduplicator.test.ts.)
 * 2. One conversation's turns alternate between the two processes across a whole issuance, to
 *    the download link, fetched from the other instance: no step is lost.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { BotProcess, startBotProcess } from '../support/botProcess';
import { HttpCustomer } from '../support/httpCustomer';
import { CERT_PASSWORD, downloadLinkIn, expectReply, freshRrn, issuanceUntilConfirmation } from '../support/httpJourneys';
import { startRedisServer, TestRedisServer } from '../support/redisServer';
import { stopBotProcess } from '../support/drills';

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
        'identity.askName',
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
      expectReply(answered[0]?.map((a: { text?: string }) => a.text ?? '') ?? [], 'identity.askName');
      expect(await customerLines(duplicate.conversationId)).toEqual(['안녕하세요', '인증서 발급']);
    } finally {
      await duplicate.close();
    }
  });
});

describe('drill 2: one conversation, turns alternating between two processes', () => {
  test('a whole issuance to the download link, fetched from the other instance, loses no step', async () => {
    const bots = [first, second];
    const urlFor = (turn: number) => (bots[turn % 2] as BotProcess).url;
    await issuanceUntilConfirmation(customer, urlFor, freshRrn());
    // The 10th turn (index 9) goes to the second instance; the link is then fetched from the first.
    const issued = await customer.say(second.url, CERT_PASSWORD);
    expectReply(issued, 'issuance.issued');
    const link = downloadLinkIn(issued);
    expect(link).toBeDefined();
    const path = new URL(link as string).pathname;
    const download = await fetch(`${first.url}${path}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    // Single use across instances too.
    expect((await fetch(`${second.url}${path}`)).status).toBe(410);
    // Every issuance the journal saw was delivered.
    const journal = await redis.keys(`${PREFIX}issuance/*`);
    expect(journal).toHaveLength(1);
    expect(await redis.hget(journal[0] as string, 'outcome')).toBe('delivered');
  });
});
