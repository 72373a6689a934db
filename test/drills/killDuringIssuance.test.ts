/**
 * Drill 4: the bot process killed (SIGKILL) while it issues a certificate, then started again.
 *
 * Each issuance is journaled under an idempotency key (src/certificates/issuanceJournal.ts):
 * started before the CA is asked, the serial recorded when it answers, delivered once the turn
 * carrying the link is saved. The process here pauses after the CA issued (JCA_TEST_ISSUE_DELAY_MS,
 * a test hook honoured only in the sandbox), so the kill lands between issuing and delivering.
 *
 * - The customer who comes back is told the issuance did not complete (`issuance.interrupted`)
 *   and, sending the password again, gets a new certificate and its link; the first one is revoked.
 * - A customer who never comes back: the restarted process's sweep revokes it all the same.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { BotProcess, startBotProcess } from '../support/botProcess';
import { killBotProcess, stopBotProcess } from '../support/drills';
import { HttpCustomer } from '../support/httpCustomer';
import {
  CERT_PASSWORD,
  downloadLinkIn,
  eventually,
  expectReply,
  freshRrn,
  interruptedText,
  issuanceUntilConfirmation,
  journaledIssuances,
  JournaledIssuance,
  ledgerEntry,
} from '../support/httpJourneys';
import { startRedisServer, TestRedisServer } from '../support/redisServer';

jest.setTimeout(90_000);

const PREFIX = 'drill-kill:';
let redisServer: TestRedisServer;
let redis: Redis;
let caDir: string;
const bots: BotProcess[] = [];
const customers: HttpCustomer[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url);
  caDir = mkdtempSync(join(tmpdir(), 'jca-drill-ca-'));
});

afterAll(async () => {
  await Promise.all(customers.map((c) => c.close()));
  await Promise.all(bots.map((bot) => stopBotProcess(bot)));
  redis?.disconnect();
  await redisServer?.stop();
  rmSync(caDir, { recursive: true, force: true });
});

const env = () => ({ REDIS_URL: redisServer.url, STATE_KEY_PREFIX: PREFIX, SECRETS_KEY: SECRETS_KEY, CA_DIR: caDir });
const SECRETS_KEY = randomBytes(32).toString('base64');

async function bot(extra: Record<string, string> = {}): Promise<BotProcess> {
  const started = await startBotProcess({ ...env(), ...extra });
  bots.push(started);
  return started;
}

async function customer(): Promise<HttpCustomer> {
  const c = await HttpCustomer.start();
  customers.push(c);
  return c;
}

/** The registry's entry for a journaled issuance's certificate, if it was registered. */
async function registered(record: JournaledIssuance): Promise<{ status?: string } | undefined> {
  const raw = await redis.hget(`${PREFIX}certificates/${record.fields.customerId}`, record.fields.fingerprint ?? '');
  return raw === null ? undefined : (JSON.parse(raw) as { status?: string });
}

/**
 * The journal record of an issuance past `CertificateService.issue` (the CA issued, the registry
 * lists it) and so paused before its link is offered; other than `known` ones.
 */
const issuedRecord = (known: readonly string[]) => async (): Promise<JournaledIssuance | undefined> => {
  for (const record of await journaledIssuances(redis, PREFIX)) {
    if (record.fields.serialNumber !== undefined && !known.includes(record.key) && (await registered(record))?.status === 'active')
      return record;
  }
  return undefined;
};

test('killed between issuing and delivering: the customer is told on the next turn and gets a new certificate; the first is revoked, also when nobody comes back', async () => {
  const slow = await bot({ JCA_TEST_ISSUE_DELAY_MS: '4000' });
  const returning = await customer();
  const gone = await customer();
  await issuanceUntilConfirmation(returning, () => slow.url, freshRrn());
  await issuanceUntilConfirmation(gone, () => slow.url, freshRrn());

  // Both send the password a second time; the CA issues, and the process is killed before the links go out.
  const lost = [returning.say(slow.url, CERT_PASSWORD), gone.say(slow.url, CERT_PASSWORD)].map((p) =>
    p.then(
      () => 'answered',
      () => 'connection lost',
    ),
  );
  const first = await eventually(issuedRecord([]), 20_000, 'the first certificate issued');
  const second = await eventually(issuedRecord([first.key]), 20_000, 'the second certificate issued');
  await killBotProcess(slow);
  expect(await Promise.all(lost)).toEqual(['connection lost', 'connection lost']);
  for (const record of [first, second]) expect(record.fields.outcome).toBeUndefined();

  const restarted = await bot();
  // The customer who comes back sends the password again: told, and served at the saved step.
  const replies = await returning.say(restarted.url, CERT_PASSWORD);
  expect(replies[0]).toBe(await interruptedText());
  expectReply(replies, 'issuance.issued');
  const link = downloadLinkIn(replies);
  expect(link).toBeDefined();
  expect((await fetch(`${restarted.url}${new URL(link as string).pathname}`)).status).toBe(200);

  // Both interrupted certificates end revoked: the returning customer's by their turn or the
  // sweep, the other's by the restarted process's sweep alone (nobody came back for it).
  for (const record of [first, second]) {
    const serial = record.fields.serialNumber as string;
    // The journal settles last, after the CA ledger, the registry and the audit log.
    await eventually(
      async () => ((await redis.hget(record.key, 'outcome')) === 'revoked' ? true : undefined),
      15_000,
      `revocation of ${serial}`,
    );
    expect(await ledgerEntry(redis, PREFIX, serial)).toEqual(
      expect.objectContaining({ reason: 'cessationOfOperation', revokedAt: expect.any(String) }),
    );
    expect((await registered(record))?.status).toBe('revoked');
  }
  // Published: the restarted instance's CRL lists the first serial.
  const crl = Buffer.from(await (await fetch(`${restarted.url}/ca/bank.crl`)).arrayBuffer());
  const listed = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], { input: crl })
    .toString()
    .replace(/\s/g, '')
    .toLowerCase();
  expect(listed).toContain((first.fields.serialNumber as string).toLowerCase());

  // The new certificate was delivered; the returning customer is not told twice.
  const records = await journaledIssuances(redis, PREFIX);
  expect(records.filter((r) => r.fields.outcome === 'delivered')).toHaveLength(1);
  expect(await returning.say(restarted.url, '처음으로')).not.toContain(await interruptedText());
  expect(restarted.output()).not.toContain('"turn failed"');
});

test('killed before the CA answered: nothing to revoke, and the customer is told all the same', async () => {
  // The kill lands while the record says "started" but has no serial: right after it appears.
  const slow = await bot({ JCA_TEST_ISSUE_DELAY_MS: '4000' });
  const returning = await customer();
  const known = (await journaledIssuances(redis, PREFIX)).map((r) => r.key);
  await issuanceUntilConfirmation(returning, () => slow.url, freshRrn());
  const lost = returning.say(slow.url, CERT_PASSWORD).then(
    () => 'answered',
    () => 'connection lost',
  );
  const started = await eventually(
    async () => (await journaledIssuances(redis, PREFIX)).find((r) => !known.includes(r.key)),
    20_000,
    'the issuance to start',
  );
  await killBotProcess(slow);
  expect(await lost).toBe('connection lost');

  const restarted = await bot();
  const replies = await returning.say(restarted.url, CERT_PASSWORD);
  expect(replies[0]).toBe(await interruptedText());
  expect(downloadLinkIn(replies)).toBeDefined();
  // Settled either way: failed (killed before the CA answered) or revoked (the CA had answered after all).
  expect(['failed', 'revoked']).toContain(await redis.hget(started.key, 'outcome'));
});
