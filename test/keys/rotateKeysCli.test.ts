import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRotateKeysCli } from '../../src/records/rotateKeysCli';
import { createLogger } from '../../src/logging/logger';
import { SqlCaSubscribers } from '../../src/records/sqlCaSubscribers';
import { SecretBox } from '../../src/state/secretBox';
import { EnvKeyProvider } from '../../src/keys/envKeyProvider';
import { ownerDatabase } from '../support/recordDatabases';
import { freshDatabaseUrl } from '../support/testDatabase';

const logger = createLogger('silent');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rotate-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('with a KMS, --new-key makes a new current data key in the keyring file, and a plain run then reseals', async () => {
  const env = {
    SECRETS_KEY: randomBytes(32).toString('base64'),
    KEY_PROVIDER: 'sandbox-kms',
    KEYRING_FILE: join(dir, 'keyring.json'),
    SANDBOX_KMS_KEY_FILE: join(dir, 'kms.key'),
    DATABASE_URL: await freshDatabaseUrl(),
  };
  const keyring = async () => JSON.parse(await readFile(env.KEYRING_FILE, 'utf8')) as { current: string; keys: unknown[] };
  expect(await runRotateKeysCli(['--new-key'], env, logger)).toBe(0);
  const first = await keyring();
  expect(await runRotateKeysCli(['--new-key'], env, logger)).toBe(0);
  const second = await keyring();
  expect(second.keys).toHaveLength(2);
  expect(second.current).not.toBe(first.current);
  expect(await runRotateKeysCli([], env, logger)).toBe(0);
});

test('with keys in the environment there is no key to make: the operator sets SEALING_KEY', async () => {
  expect(await runRotateKeysCli(['--new-key'], { SECRETS_KEY: randomBytes(32).toString('base64') }, logger)).toBe(1);
});

test('a rotation in the system of record: subscriber records sealed under the old key are resealed under the new one, and open without the old key', async () => {
  const [secretsKey, oldKey, newKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const url = await freshDatabaseUrl();
  const db = await ownerDatabase(url);
  try {
    const before = new SqlCaSubscribers(
      db,
      await SecretBox.load(new EnvKeyProvider({ secretsKey, sealingKey: oldKey, previousSealingKeys: [] })),
    );
    const until = Date.now() + 3_600_000;
    const subscribers = [1, 2, 3].map((n) => ({
      customerId: `customer-${n}`,
      realName: '홍길동',
      idn: `900101123456${n}`,
      type: 'personalGeneral' as const,
    }));
    await Promise.all(subscribers.map((subscriber, n) => before.keep(`serial-${n}`, subscriber, until)));
    const keyIds = async () => (await db.query<{ key_id: string }>('SELECT DISTINCT key_id FROM ca_subscribers')).map((row) => row.key_id);
    const [oldId] = await keyIds();

    const env = {
      SECRETS_KEY: secretsKey.toString('base64'),
      SEALING_KEY: newKey.toString('base64'),
      SEALING_PREVIOUS_KEYS: oldKey.toString('base64'),
      DATABASE_URL: url,
    };
    expect(await runRotateKeysCli([], env, logger)).toBe(0);

    const ids = await keyIds();
    expect(ids).toHaveLength(1);
    expect(ids[0]).not.toBe(oldId);
    const newOnly = new SqlCaSubscribers(
      db,
      await SecretBox.load(new EnvKeyProvider({ secretsKey, sealingKey: newKey, previousSealingKeys: [] })),
    );
    for (const [n, subscriber] of subscribers.entries()) expect(await newOnly.find(`serial-${n}`)).toEqual(subscriber);
    const [rotation] = await db.query<{ details: string }>(
      "SELECT details FROM audit_log WHERE category = 'configuration' AND action = 'keysRotated'",
    );
    expect(JSON.parse(rotation?.details ?? '{}')).toEqual({ keyId: ids[0], resealed: 3, unreadable: 0 });
    const text = JSON.stringify(await db.query('SELECT * FROM ca_subscribers'));
    for (const { idn } of subscribers) expect(text).not.toContain(idn);
  } finally {
    await db.close();
  }
});
