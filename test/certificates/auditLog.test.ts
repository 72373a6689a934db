import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AuditLog, AuditRecord, MemoryAuditLog, RedisAuditLog } from '../../src/certificates/stores/auditLog';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const REDIS_URL = SHARED_REDIS_URL;
const PREFIX = `test:auditLog:${randomBytes(6).toString('hex')}:`;
const ALLOWED_FIELDS = ['at', 'action', 'outcome', 'customerId', 'serialNumber', 'issuerDn', 'reason', 'actor', 'conversationId'];

let tick = 0;
const now = (): Date => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + tick++ * 1000);

const customerId = randomBytes(32).toString('base64url');

function issued(serial: number): Omit<AuditRecord, 'at'> {
  return {
    action: 'issue',
    outcome: 'success',
    customerId,
    serialNumber: serial.toString(16).padStart(16, '0'),
    issuerDn: 'cn=Sandbox Issuing CA,o=Sandbox Bank,c=kr',
    actor: 'customer',
    conversationId: 'conv-1',
  };
}

let redis: Redis;
const logs: RedisAuditLog[] = [];

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  if (logs.length > 0) await redis.del(...logs.map((log) => log.key));
  redis.disconnect();
});

let instance = 0;
function redisLog(maxLength: number): RedisAuditLog {
  instance += 1;
  const log = new RedisAuditLog(redis, { prefix: `${PREFIX}${instance}:`, maxLength, now });
  logs.push(log);
  return log;
}

describe.each<[string, (maxLength: number) => AuditLog]>([
  ['MemoryAuditLog', (maxLength) => new MemoryAuditLog({ maxLength, now })],
  ['RedisAuditLog', redisLog],
])('%s', (_name, create) => {
  it('round-trips records, newest first, stamped with the time', async () => {
    const log = create(100);
    tick = 0;
    await log.record(issued(1));
    await log.record({ action: 'revoke', outcome: 'failure', serialNumber: '02', reason: 'not found', actor: 'agent-7' });
    await log.record({ action: 'renew', outcome: 'success', customerId, actor: 'system' });

    const records = await log.recent(10);
    expect(records).toEqual([
      { at: '2025-03-01T09:00:02.000Z', action: 'renew', outcome: 'success', customerId, actor: 'system' },
      { at: '2025-03-01T09:00:01.000Z', action: 'revoke', outcome: 'failure', serialNumber: '02', reason: 'not found', actor: 'agent-7' },
      { at: '2025-03-01T09:00:00.000Z', ...issued(1) },
    ]);
    expect(await log.recent(1)).toEqual([records[0]]);
    expect(await log.recent(0)).toEqual([]);
  });

  it('is bounded: only the newest maxLength records are returned', async () => {
    const log = create(5);
    for (let i = 0; i < 12; i += 1) await log.record(issued(i));
    const records = await log.recent(100);
    expect(records.map((record) => record.serialNumber)).toEqual([11, 10, 9, 8, 7].map((i) => i.toString(16).padStart(16, '0')));
  });

  it('holds no secret fields: unknown fields are refused, 주민등록번호 and PEM blocks scrubbed', async () => {
    const log = create(100);
    await expect(log.record({ ...issued(1), password: 'hunter2' } as Omit<AuditRecord, 'at'>)).rejects.toThrow();
    await expect(log.record({ ...issued(1), rrn: '9001011234567' } as Omit<AuditRecord, 'at'>)).rejects.toThrow();
    await expect(log.record({ ...issued(1), customerId: '900101-1234567' })).rejects.toThrow(/keyed hash/);
    await log.record({ ...issued(2), outcome: 'failure', reason: 'idn 900101 - 1234567 did not match' });
    await log.record({
      ...issued(3),
      outcome: 'failure',
      reason: 'bad file -----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY----- given',
    });

    await expect(log.record({ ...issued(4), reason: 'x'.repeat(5000) })).resolves.toBeUndefined();
    const long = await log.recent(1);
    expect(long[0]?.reason).toHaveLength(500);

    const records = (await log.recent(100)).slice(1);
    expect(records).toHaveLength(2);
    expect(records[1]?.reason).toBe('idn [redacted] did not match');
    expect(records[0]?.reason).toBe('bad file [redacted] given');
    for (const record of records) {
      expect(Object.keys(record).every((field) => ALLOWED_FIELDS.includes(field))).toBe(true);
      expect(JSON.stringify(record)).not.toMatch(/hunter2|1234567|PRIVATE KEY|MIIB/);
    }
  });
});

describe('MemoryAuditLog', () => {
  it('holds at most maxLength records, 10,000 by default', async () => {
    const log = new MemoryAuditLog({ maxLength: 5, now });
    for (let i = 0; i < 12; i += 1) await log.record(issued(i));
    expect(log.size).toBe(5);
    const defaultLog = new MemoryAuditLog({ now });
    for (let i = 0; i < 10_050; i += 1) await defaultLog.record(issued(i));
    expect(defaultLog.size).toBe(10_000);
    expect((await defaultLog.recent(1))[0]?.serialNumber).toBe(issued(10_049).serialNumber);
  });
});

describe('RedisAuditLog on Redis', () => {
  it('trims the stream with MAXLEN ~', async () => {
    const log = redisLog(10);
    for (let i = 0; i < 300; i += 1) await log.record(issued(i));
    const length = await redis.xlen(log.key);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(300);
    expect(await log.recent(1000)).toHaveLength(10);
  });

  it('skips entries that do not validate', async () => {
    const log = redisLog(100);
    await log.record(issued(1));
    await redis.xadd(log.key, '*', 'r', '{not json');
    await redis.xadd(log.key, '*', 'r', JSON.stringify({ action: 'steal', outcome: 'success', actor: 'x', at: new Date().toISOString() }));
    await redis.xadd(log.key, '*', 'other', 'field');
    await log.record(issued(2));
    const records = await log.recent(10);
    expect(records.map((record) => record.serialNumber)).toEqual([issued(2).serialNumber, issued(1).serialNumber]);
  });
});
