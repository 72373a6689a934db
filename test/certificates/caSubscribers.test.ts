import { randomBytes } from 'node:crypto';
import { type CaSubscribers, MemoryCaSubscribers, type Subscriber } from '../../src/certificates/ca/caSubscribers';
import type { Database } from '../../src/records/database';
import { SqlCaSubscribers } from '../../src/records/sqlCaSubscribers';
import { SecretBox } from '../../src/state/secretBox';
import { RECORD_DATABASES } from '../support/recordDatabases';

const IDN = '9001011234567';
const subscriber: Subscriber = { customerId: 'customer-1', realName: '홍길동', idn: IDN, type: 'personalGeneral' };
const YEAR = 365 * 24 * 3600 * 1000;

const serial = (): string => randomBytes(8).toString('hex');

/** What every home of the CA's subscriber records does. */
function behavesAsSubscriberRecords(create: () => CaSubscribers): void {
  test('keep the subscriber of each certificate issued, by its serial, until the certificate expires', async () => {
    const subscribers = create();
    const [valid, expired, unknown] = [serial(), serial(), serial()];
    await subscribers.keep(valid, subscriber, Date.now() + YEAR);
    await subscribers.keep(expired, subscriber, Date.now() - 1000);
    expect(await subscribers.find(valid)).toEqual(subscriber);
    expect(await subscribers.find(expired)).toBeUndefined();
    expect(await subscribers.find(unknown)).toBeUndefined();
  });

  test('a record kept again for the same serial replaces the first', async () => {
    const subscribers = create();
    const same = serial();
    await subscribers.keep(same, subscriber, Date.now() + YEAR);
    const renamed: Subscriber = { ...subscriber, realName: '김철수', type: 'personalBanking' };
    await subscribers.keep(same, renamed, Date.now() + YEAR);
    expect(await subscribers.find(same)).toEqual(renamed);
  });
}

describe('MemoryCaSubscribers', () => {
  behavesAsSubscriberRecords(() => new MemoryCaSubscribers());

  test('forget a record once its certificate expires', async () => {
    let clock = 1_000_000;
    const subscribers = new MemoryCaSubscribers(() => clock);
    await subscribers.keep('0a1b', subscriber, clock + 60_000);
    expect(await subscribers.find('0a1b')).toEqual(subscriber);
    clock += 60_000;
    expect(await subscribers.find('0a1b')).toBeUndefined();
  });
});

describe.each(RECORD_DATABASES)('SqlCaSubscribers on %s', (_name, openDatabase) => {
  const box = new SecretBox(randomBytes(32));
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  behavesAsSubscriberRecords(() => new SqlCaSubscribers(db, box));

  test('are sealed at rest: no 주민등록번호, name or customer in the table; under another key none opens', async () => {
    const sealed = serial();
    const until = Date.now() + YEAR;
    await new SqlCaSubscribers(db, box).keep(sealed, subscriber, until);
    const rows = await db.query<{ serial_number: string; key_id: string; keep_until: Date }>(
      'SELECT serial_number, key_id, keep_until FROM ca_subscribers WHERE serial_number = $1',
      [sealed],
    );
    expect(rows).toEqual([{ serial_number: sealed, key_id: box.currentKeyId, keep_until: new Date(until) }]);
    const table = JSON.stringify(await db.query('SELECT * FROM ca_subscribers'));
    expect(table).toContain(sealed);
    for (const secret of [IDN, '900101', '1234567', '홍길동', 'customer-1']) expect(table).not.toContain(secret);
    expect(await new SqlCaSubscribers(db, new SecretBox(randomBytes(32))).find(sealed)).toBeUndefined();
  });
});
