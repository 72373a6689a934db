import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { waitForRedisReady } from '../../src/state/redisClient';
import { Customer, lastChoices, texts } from '../support/customer';
import { FaultyStorage } from '../support/faultyStorage';
import { createRedisTestBot, RedisTestBot } from '../support/redisBot';
import { deleteKeysMatching } from '../support/redisCleanup';
import { startRedisServer, TestRedisServer } from '../support/redisServer';
import { capturingLogger, createTestBot } from '../support/testBot';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const SHARED_REDIS = SHARED_REDIS_URL;

describe('on the shared Redis', () => {
  const prefix = `jca-test-${randomUUID()}:`;
  const bots: RedisTestBot[] = [];
  const newBot = async () => {
    const bot = await createRedisTestBot(SHARED_REDIS, prefix);
    bots.push(bot);
    return bot;
  };
  afterAll(async () => {
    const admin = new Redis(SHARED_REDIS);
    await deleteKeysMatching(admin, `${prefix}*`);
    admin.disconnect();
    for (const bot of bots) bot.redis.disconnect();
  });

  test('a conversation halfway through a step continues there after the bot is rebuilt', async () => {
    const before = await newBot();
    const customer = new Customer(before.adapter);
    await customer.join();
    expect(lastChoices(await customer.say('언어 변경'))).toEqual(['한국어', 'English']);
    before.redis.disconnect();

    const after = await newBot(); // a new process would have nothing else: new client, new bot, new adapter
    const replies = await customer.moveTo(after.adapter).say('English');
    expect(replies[0]?.text).toBe("I'll continue in English.");
  });

  test('state keys carry the prefix and an idle TTL', async () => {
    const bot = await newBot();
    const customer = new Customer(bot.adapter);
    await customer.join();
    const key = `${prefix}conversation/test/${customer.conversationId}`;
    const ttl = await bot.redis.ttl(key);
    expect(ttl).toBeGreaterThan(1700);
    expect(ttl).toBeLessThanOrEqual(1800);
  });

  test('two turns of one conversation racing on two instances: neither update is lost', async () => {
    const first = await newBot();
    const second = await newBot();
    const customer = new Customer(first.adapter);
    await customer.join();
    // Each miss is counted in state; a lost update would leave the count at one.
    await Promise.all([customer.say('asdf'), customer.moveTo(second.adapter).say('qwer')]);
    const third = await customer.say('zxcv');
    expect(third[0]?.text).toContain('상담원을 연결해 드릴까요?');
  });

  test('the same activity delivered twice, even to two instances, is handled once', async () => {
    const first = await newBot();
    const second = await newBot();
    const customer = new Customer(first.adapter);
    await customer.join();
    const id = randomUUID();
    const [a, b] = await Promise.all([customer.say('asdf', id), customer.moveTo(second.adapter).say('asdf', id)]);
    expect([a.length > 0, b.length > 0].sort()).toEqual([false, true]);
    expect(await customer.say('asdf', id)).toEqual([]);
    // one miss was counted, not two: the next miss still asks to rephrase
    expect(texts(await customer.say('qwer'))[0]).toContain('이해하지 못했어요');
  });
});

test('a turn that keeps losing the race is answered with a polite request to say it again', async () => {
  // A storage where another turn always saved first.
  const storage = new FaultyStorage();
  storage.loseEveryWrite = true;
  const customer = new Customer((await createTestBot({ storage })).adapter);
  expect(texts(await customer.say('처음으로'))).toEqual([
    '죄송해요, 동시에 여러 요청이 들어와 방금 말씀을 처리하지 못했어요. 한 번만 다시 말씀해 주세요.',
  ]);
});

describe('Redis outage', () => {
  let server: TestRedisServer;
  let dir: string;
  beforeAll(async () => {
    // This server keeps its data on disk, like a production Redis, so a restart loses nothing.
    dir = mkdtempSync(join(tmpdir(), 'jca-redis-'));
    server = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the customer gets an apology with an agent option while Redis is down, and continues afterwards', async () => {
    const { logger, lines } = capturingLogger();
    const bot = await createRedisTestBot(server.url, 'outage:', logger);
    try {
      await waitForRedisReady(bot.redis, 5000);
      const customer = new Customer(bot.adapter);
      await customer.join();
      await customer.say('언어 변경');

      await server.stop();
      const apology = await customer.say('English');
      expect(apology[0]?.text).toContain('일시적인 문제');
      expect(lastChoices(apology)).toEqual(['상담원 연결']);
      expect(lines.some((line) => line.includes('"turn failed"'))).toBe(true);

      await server.start();
      await waitForRedisReady(bot.redis, 15_000);
      // the step saved before the outage (choosing a language) is where the customer continues
      const next = await customer.say('English');
      expect(next[0]?.text).toBe("I'll continue in English.");
    } finally {
      bot.redis.disconnect();
    }
  });
});
