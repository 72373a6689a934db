import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { MemoryStorage, Storage } from 'botbuilder';
import Redis from 'ioredis';
import { createLogger, Logger } from '../../src/logging/logger';
import { createRedisClient, waitForRedisReady } from '../../src/state/redisClient';
import { RedisStorage } from '../../src/state/redisStorage';
import { MemoryStateStorage, StateStorage } from '../../src/state/stateStorage';
import { deleteKeysMatching } from '../support/redisCleanup';
import { startRedisServer, TestRedisServer } from '../support/redisServer';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const REDIS_URL = SHARED_REDIS_URL;
const PREFIX = `test:redisStorage:${randomBytes(6).toString('hex')}:`;

/** A logger whose JSON lines land in `lines`. */
function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger('debug', stream), lines };
}

let redis: Redis;
let storage: RedisStorage;
const log = captureLogger();

beforeAll(async () => {
  redis = createRedisClient(REDIS_URL, log.logger);
  await waitForRedisReady(redis, 5000);
  storage = new RedisStorage(redis, { prefix: PREFIX, ttlSeconds: 100, logger: log.logger });
});

afterAll(async () => {
  await deleteKeysMatching(redis, `${PREFIX}*`);
  redis.disconnect();
});

/** The contract shared with botbuilder's MemoryStorage, checked against both. */
describe.each([
  ['MemoryStorage', (): Storage => new MemoryStorage()],
  ['RedisStorage', (): Storage => storage],
])('Storage contract: %s', (_name, makeStorage) => {
  let s: Storage;
  let key: string;
  beforeEach(() => {
    s = makeStorage();
    key = `contract/${randomBytes(6).toString('hex')}`;
  });

  test('a missing key is left out of the result', async () => {
    await s.write({ [key]: { n: 1 } });
    const items = await s.read([`${key}-missing`, key]);
    expect(Object.keys(items)).toEqual([key]);
  });

  test('round trip keeps nested objects and Korean text, and adds a string eTag', async () => {
    const doc = { name: '홍길동', flow: { step: '재발급', certs: [{ cn: '홍길동()0011', serial: 42 }] }, ok: true };
    await s.write({ [key]: doc });
    const item = (await s.read([key]))[key];
    expect(item).toEqual({ ...doc, eTag: expect.any(String) });
    expect(item?.eTag).not.toBe('');
  });

  test('every write gives a fresh eTag and does not touch the caller’s object', async () => {
    const doc = { n: 1, eTag: '*' };
    await s.write({ [key]: doc });
    const first = (await s.read([key]))[key]!.eTag;
    await s.write({ [key]: doc });
    const second = (await s.read([key]))[key]!.eTag;
    expect(second).not.toBe(first);
    expect(doc).toEqual({ n: 1, eTag: '*' });
  });

  test('a stale eTag throws an eTag conflict and leaves the stored value unchanged', async () => {
    await s.write({ [key]: { n: 1 } });
    const stale = (await s.read([key]))[key]!;
    await s.write({ [key]: { ...stale, n: 2 } });
    const current = (await s.read([key]))[key]!;
    await expect(s.write({ [key]: { ...stale, n: 3 } })).rejects.toThrow(`Storage: error writing "${key}" due to eTag conflict.`);
    expect((await s.read([key]))[key]).toEqual(current);
  });

  test('the current eTag writes', async () => {
    await s.write({ [key]: { n: 1 } });
    const current = (await s.read([key]))[key]!;
    await s.write({ [key]: { ...current, n: 2 } });
    expect((await s.read([key]))[key]).toMatchObject({ n: 2 });
  });

  test('eTag "*" overwrites', async () => {
    await s.write({ [key]: { n: 1 } });
    await s.write({ [key]: { n: 2, eTag: '*' } });
    expect((await s.read([key]))[key]).toMatchObject({ n: 2 });
  });

  test('no eTag overwrites', async () => {
    await s.write({ [key]: { n: 1 } });
    await s.write({ [key]: { n: 2 } });
    expect((await s.read([key]))[key]).toMatchObject({ n: 2 });
  });

  test('an eTag onto a missing key writes (MemoryStorage does not treat it as a conflict)', async () => {
    await s.write({ [key]: { n: 1, eTag: 'some-old-etag' } });
    expect((await s.read([key]))[key]).toMatchObject({ n: 1 });
  });

  test('delete removes the item', async () => {
    await s.write({ [key]: { n: 1 } });
    await s.delete([key]);
    expect(await s.read([key])).toEqual({});
  });

  test('read returns a copy: changing it does not change what is stored', async () => {
    await s.write({ [key]: { nested: { n: 1 } } });
    const item = (await s.read([key]))[key]!;
    item.nested.n = 99;
    expect((await s.read([key]))[key]).toMatchObject({ nested: { n: 1 } });
  });
});

/** The lists beside the items (a conversation's transcript), checked against both StateStorages. */
describe.each([
  ['MemoryStateStorage', (): StateStorage => new MemoryStateStorage()],
  ['RedisStorage', (): StateStorage => storage],
])('capped lists: %s', (_name, makeStorage) => {
  let s: StateStorage;
  let key: string;
  beforeEach(() => {
    s = makeStorage();
    key = `lists/${randomBytes(6).toString('hex')}`;
  });

  test('values are appended in order with the items, and only the last `cap` are kept', async () => {
    await s.write({ [key]: { n: 1 } }, [{ key: `${key}/lines`, values: ['가', '나'], cap: 3 }]);
    const item = (await s.read([key]))[key]!;
    await s.write({ [key]: { ...item, n: 2 } }, [{ key: `${key}/lines`, values: ['다', '라'], cap: 3 }]);
    expect(await s.readList(`${key}/lines`)).toEqual(['나', '다', '라']);
    expect(await s.readList(`${key}/missing`)).toEqual([]);
  });

  test('a write that loses its compare-and-set appends nothing', async () => {
    await s.write({ [key]: { n: 1 } });
    const stale = (await s.read([key]))[key]!;
    await s.write({ [key]: { ...stale, n: 2 } }, [{ key: `${key}/lines`, values: ['first'], cap: 30 }]);
    await expect(s.write({ [key]: { ...stale, n: 3 } }, [{ key: `${key}/lines`, values: ['lost'], cap: 30 }])).rejects.toThrow(
      /eTag conflict/,
    );
    expect(await s.readList(`${key}/lines`)).toEqual(['first']);
  });

  test('lines alone can be appended, with no item', async () => {
    await s.write({}, [{ key: `${key}/lines`, values: ['note'], cap: 30 }]);
    expect(await s.readList(`${key}/lines`)).toEqual(['note']);
  });
});

describe('RedisStorage on Redis', () => {
  const newKey = (): string => `k/${randomBytes(6).toString('hex')}`;

  test('stores under the prefix', async () => {
    const key = newKey();
    await storage.write({ [key]: { n: 1 } });
    expect(await redis.exists(PREFIX + key)).toBe(1);
    await storage.delete([key]);
    expect(await redis.exists(PREFIX + key)).toBe(0);
  });

  test('a write sets the TTL and a later write refreshes it', async () => {
    const key = newKey();
    await storage.write({ [key]: { n: 1 } });
    const ttl = await redis.pttl(PREFIX + key);
    expect(ttl).toBeGreaterThan(90_000);
    expect(ttl).toBeLessThanOrEqual(100_000);

    await redis.pexpire(PREFIX + key, 5_000);
    const current = (await storage.read([key]))[key]!;
    await storage.write({ [key]: { ...current, n: 2 } });
    expect(await redis.pttl(PREFIX + key)).toBeGreaterThan(90_000);
  });

  test('a list gets the same TTL as the items, refreshed by every append', async () => {
    const key = newKey();
    await storage.write({ [key]: { n: 1 } }, [{ key: `${key}/lines`, values: ['a'], cap: 30 }]);
    await redis.pexpire(`${PREFIX}${key}/lines`, 5_000);
    await storage.write({}, [{ key: `${key}/lines`, values: ['b'], cap: 30 }]);
    expect(await redis.pttl(`${PREFIX}${key}/lines`)).toBeGreaterThan(90_000);
  });

  test('a conflicting write of several items writes none of them', async () => {
    const [a, b] = [newKey(), newKey()];
    await storage.write({ [a]: { n: 1 }, [b]: { n: 1 } });
    const before = await storage.read([a, b]);
    await storage.write({ [b]: { n: 2 } }); // b's eTag moves on
    const afterB = await storage.read([b]);
    await expect(storage.write({ [a]: { ...before[a], n: 3 }, [b]: { ...before[b], n: 3 } })).rejects.toThrow(
      `Storage: error writing "${b}" due to eTag conflict.`,
    );
    expect(await storage.read([a, b])).toEqual({ [a]: before[a], [b]: afterB[b] });
  });

  test('of 20 concurrent writers with the same eTag exactly one succeeds', async () => {
    const key = newKey();
    await storage.write({ [key]: { n: 0 } });
    const read = (await storage.read([key]))[key]!;
    // Two connections, so that the writes really interleave on the server.
    const other = createRedisClient(REDIS_URL, log.logger);
    try {
      await waitForRedisReady(other, 5000);
      const otherStorage = new RedisStorage(other, { prefix: PREFIX, ttlSeconds: 100, logger: log.logger });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? otherStorage : storage).write({ [key]: { ...read, n: i + 1 } })),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i + 1] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(String(r.reason)).toContain('eTag conflict');
      }
      expect((await storage.read([key]))[key]).toMatchObject({ n: won[0] });
    } finally {
      other.disconnect();
    }
  });

  test.each([
    ['not JSON', 'garbage 900101-1234567 홍길동'],
    ['JSON of the wrong shape', JSON.stringify({ secret: 'garbage 900101-1234567' })],
    ['a document that is not an object', JSON.stringify({ e: '1', d: ['garbage 900101-1234567'] })],
  ])('a corrupt value (%s) reads as missing and is logged without its content', async (_kind, raw) => {
    const key = newKey();
    await redis.set(PREFIX + key, raw);
    const seen = log.lines.length;

    expect(await storage.read([key])).toEqual({});

    const newLines = log.lines.slice(seen).map((line) => JSON.parse(line) as Record<string, unknown>);
    const warnings = newLines.filter((l) => l.msg === 'corrupt state value ignored');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ key, level: 40 });
    expect(log.lines.slice(seen).join('\n')).not.toContain('900101');
  });

  test('a corrupt value is overwritten by a write with an eTag, as if it were missing', async () => {
    const key = newKey();
    await redis.set(PREFIX + key, 'not json');
    await storage.write({ [key]: { n: 1, eTag: 'whatever' } });
    expect((await storage.read([key]))[key]).toMatchObject({ n: 1 });
  });

  test('read of two keys is one command (MGET), write of two keys is one script call', async () => {
    const [a, b] = [newKey(), newKey()];
    await storage.write({ [a]: { n: 1 }, [b]: { n: 1 } }); // loads the script into the server cache
    const current = await storage.read([a, b]);

    // monitor() opens a second connection of its own; both are closed below.
    const monitorOwner = new Redis(REDIS_URL);
    const monitor = await monitorOwner.monitor();
    try {
      const seen: string[][] = [];
      const sentinel = `${PREFIX}sentinel-${randomBytes(4).toString('hex')}`;
      let sentinelSeen: () => void = () => undefined;
      const sentinelArrived = new Promise<void>((resolve) => (sentinelSeen = resolve));
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args.includes(sentinel)) sentinelSeen();
        // Commands run inside our Lua script are shown with source "lua"; count client commands only.
        else if (!source.includes('lua') && args.some((arg) => arg.startsWith(PREFIX))) seen.push(args);
      });

      await storage.read([a, b]);
      await storage.write({ [a]: current[a], [b]: current[b] });
      // MONITOR delivers in execution order: once the sentinel is seen, everything before it was too.
      await redis.exists(sentinel);
      await sentinelArrived;

      expect(seen.map((args) => args[0]!.toLowerCase())).toEqual(['mget', 'evalsha']);
      expect(seen[0]).toEqual(['mget', PREFIX + a, PREFIX + b]);
    } finally {
      monitor.disconnect();
      monitorOwner.disconnect();
    }
  });
});

describe('RedisStorage while Redis is down', () => {
  let server: TestRedisServer;
  let client: Redis;
  let downStorage: RedisStorage;
  const outageLog = captureLogger();

  beforeAll(async () => {
    server = await startRedisServer();
    client = createRedisClient(server.url, outageLog.logger);
    await waitForRedisReady(client, 5000);
    downStorage = new RedisStorage(client, { prefix: PREFIX, ttlSeconds: 100, logger: outageLog.logger });
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  test('read and write reject during the outage and work again after Redis is back', async () => {
    await downStorage.write({ k: { n: 1 } });

    let reconnects = 0;
    client.on('reconnecting', () => reconnects++);
    await server.stop();

    await expect(downStorage.read(['k'])).rejects.toThrow();
    await expect(downStorage.write({ k: { n: 2 } })).rejects.toThrow();

    // Several failed reconnects while down must still log the outage only once.
    while (reconnects < 4) await new Promise((resolve) => setTimeout(resolve, 50));
    const errorLines = outageLog.lines.filter((line) => line.includes('"redis error"'));
    expect(errorLines).toHaveLength(1);

    await server.start(); // same port, empty: the server has no persistence
    await waitForRedisReady(client, 15_000);

    // The restarted server lost the script cache: EVALSHA must fall back to EVAL by itself.
    await downStorage.write({ k: { n: 3 } });
    expect((await downStorage.read(['k'])).k).toMatchObject({ n: 3 });
    expect(outageLog.lines.some((line) => line.includes('"redis connection restored"'))).toBe(true);
  }, 30_000);
});
