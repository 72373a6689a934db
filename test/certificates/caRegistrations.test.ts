import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import {
  CaRegistrations,
  MemoryCaRegistrations,
  RedisCaRegistrations,
  StoredRegistration,
} from '../../src/certificates/ca/caRegistrations';
import { SecretBox } from '../../src/state/secretBox';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const prefix = `jca-test-ca-registrations-${process.pid}:`;
const IDN = '9001011234567';
const registration: StoredRegistration = {
  customerId: 'customer-1',
  realName: '홍길동',
  idn: IDN,
  type: 'personalGeneral',
  notAfter: new Date('2027-03-31T23:59:59Z'),
  macKey: randomBytes(32),
};
let redis: Redis;

beforeAll(() => {
  redis = new Redis(SHARED_REDIS_URL);
});

afterAll(async () => {
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
});

describe.each<[string, () => CaRegistrations]>([
  ['in Redis', () => new RedisCaRegistrations(redis, new SecretBox(randomBytes(32)), `${prefix}${randomBytes(4).toString('hex')}:`)],
  ['in memory', () => new MemoryCaRegistrations()],
])('the CA’s registrations %s', (_where, make) => {
  test('are found until used, once; then they are known as used, and a reference is never given twice', async () => {
    const registrations = make();
    expect(await registrations.add('ref-1', registration, 60_000)).toBe(true);
    expect(await registrations.add('ref-1', registration, 60_000)).toBe(false);
    expect(await registrations.find('ref-1')).toEqual({ status: 'open', registration });
    const uses = await Promise.all([registrations.use('ref-1'), registrations.use('ref-1')]);
    expect(uses.sort()).toEqual([false, true]);
    expect(await registrations.find('ref-1')).toEqual({ status: 'used' });
    expect(await registrations.find('ref-2')).toEqual({ status: 'unknown' });
  });

  test('expire with their authorisation, and are then known as expired', async () => {
    const registrations = make();
    await registrations.add('ref-short', registration, 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await registrations.find('ref-short')).toEqual({ status: 'expired' });
    expect(await registrations.use('ref-short')).toBe(false);
  });
});

test('Redis holds the registration sealed: no 주민등록번호, name or MAC key in clear', async () => {
  const own = `${prefix}sealed:`;
  await new RedisCaRegistrations(redis, new SecretBox(randomBytes(32)), own).add('ref-sealed', registration, 60_000);
  const values = await Promise.all((await keysMatching(redis, `${own}*`)).map(async (key) => `${key}=${await redis.get(key)}`));
  const dump = values.join('\n');
  expect(dump).toContain('ref-sealed');
  for (const secret of [IDN, '홍길동', 'customer-1', Buffer.from(registration.macKey).toString('base64')])
    expect(dump).not.toContain(secret);
  // Under another key the record does not open: the device is told it lapsed, and nothing is misread.
  const otherKey = new RedisCaRegistrations(redis, new SecretBox(randomBytes(32)), own);
  expect(await otherKey.find('ref-sealed')).toEqual({ status: 'expired' });
});
