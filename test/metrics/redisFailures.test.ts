import Redis from 'ioredis';
import pino from 'pino';
import { createRedisClient, waitForRedisReady } from '../../src/state/redisClient';
import { RedisStorage } from '../../src/state/redisStorage';
import { startRedisServer, TestRedisServer } from '../support/redisServer';
import { sample, testMetrics } from './metricsSupport';

let server: TestRedisServer;
let admin: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

test('failed Redis commands are counted by why (its own error, no answer in time, no connection), the caller still gets each failure, and a script Redis forgot is no failure', async () => {
  const { metrics, text } = testMetrics();
  const logger = pino({ level: 'silent' });
  const redis = createRedisClient(server.url, logger, { commandTimeoutMs: 200, metrics });
  const failures = async () => {
    const scraped = await text();
    return Object.fromEntries(
      ['error', 'timeout', 'unavailable'].map((kind) => [kind, sample(scraped, 'jca_store_errors_total', { store: 'redis', kind })]),
    );
  };
  try {
    await waitForRedisReady(redis, 5_000);
    // a script flushed from Redis's cache (as after a restart) is sent again: the write succeeds, nothing failed
    const storage = new RedisStorage(redis, { prefix: 'metrics-test:', ttlSeconds: 60, logger });
    await storage.write({ a: { n: 1 } });
    await admin.script('FLUSH');
    await storage.write({ a: { n: 2 } });
    expect(await storage.read(['a'])).toMatchObject({ a: { n: 2 } });
    expect(await failures()).toEqual({ error: undefined, timeout: undefined, unavailable: undefined });

    await redis.set('metrics-test:plain', 'x');
    await expect(redis.hget('metrics-test:plain', 'field')).rejects.toThrow(/WRONGTYPE/);
    // Redis holds every client's commands (its own reply comes first): ours gets no answer in time
    await admin.call('CLIENT', 'PAUSE', '1000', 'ALL');
    await expect(redis.get('metrics-test:plain')).rejects.toThrow('Command timed out');

    const closed = new Promise((resolve) => redis.once('close', resolve));
    await server.stop();
    await closed;
    await expect(redis.get('metrics-test:plain')).rejects.toThrow();
    expect(await failures()).toEqual({ error: 1, timeout: 1, unavailable: 1 });
  } finally {
    redis.disconnect();
  }
});
