/**
 * Drill 4: the bot process killed (SIGKILL) in the middle of issuances on the secure page, then
 * started again.
 *
 * The device asks the CA itself; the step completes once the CA's notice is in and the device said
 * it saved the files (`issuance/saved`). The kill lands after the CA issued to two customers'
 * devices and before either said so, and after a third customer's device was authorised but before
 * it asked the CA:
 *
 * - a page that lives on saves its files through the restarted process: the step completes, the
 *   certificate is delivered, the chat shows it by itself;
 * - a page that was closed for good: once its ticket's time is up the restarted process's sweep ends
 *   it, revokes what the CA issued on it (nothing is left valid with nobody holding its key) and
 *   tells the customer (`secureStep.expired`, with a fresh link);
 * - a device that asks the CA after its ticket ended gets a certificate nobody can take: it is
 *   revoked at once.
 *
 * The ticket's 10 minutes are made to pass by moving its expiry into the past, sealed with the
 * drill's SECRETS_KEY as the server seals it (TicketBook), and on the expiry schedule.
 */
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { inspectCertificate } from '../../src/certificates/npki/certificateInspection';
import { RedisSecureStore } from '../../src/secure/secureStore';
import { hashOf, TicketBook } from '../../src/secure/ticketBook';
import { TICKET_GRACE_MS } from '../../src/secure/ticketLifecycle';
import { SecretBox } from '../../src/state/secretBox';
import { BotProcess, startBotProcess } from '../support/botProcess';
import { killBotProcess, stopBotProcess } from '../support/drills';
import { HttpCustomer } from '../support/httpCustomer';
import {
  CERT_PASSWORD,
  eventually,
  expectReply,
  freshRrn,
  HttpJourney,
  journaledIssuances,
  JournaledIssuance,
  ledgerEntry,
  onInstance,
} from '../support/httpJourneys';
import { startRedisServer, TestRedisServer } from '../support/redisServer';
import { secureLinkIn } from '../support/secureStepOverHttp';
import { fileDatabaseUrl } from '../support/testDatabase';
import { fileRecords } from '../support/recordDatabases';

/** The system of record the bot processes of this file share, read as its owner. */
const records = fileRecords();

jest.setTimeout(120_000);

const PREFIX = 'drill-kill:';
const SECRETS_KEY = randomBytes(32);
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

async function bot(): Promise<BotProcess> {
  const env = { REDIS_URL: redisServer.url, STATE_KEY_PREFIX: PREFIX, SECRETS_KEY: SECRETS_KEY.toString('base64'), CA_DIR: caDir };
  const started = await startBotProcess(env);
  bots.push(started);
  return started;
}

async function journeyOn(url: string): Promise<HttpJourney> {
  const customer = await HttpCustomer.start();
  customers.push(customer);
  return new HttpJourney(customer, onInstance(url));
}

/** The journal's record of the certificate with this serial number (the CA journals each issuance under its reference number). */
async function journaled(serialNumber: string): Promise<JournaledIssuance | undefined> {
  return (await journaledIssuances(await records())).find((record) => record.fields.serialNumber === serialNumber);
}

/** The registry's entry for a journaled issuance's certificate. */
async function registered(record: JournaledIssuance): Promise<{ status?: string } | undefined> {
  const [row] = await (
    await records()
  ).query<{ status: string }>('SELECT status FROM certificates WHERE customer_id = $1 AND fingerprint = $2', [
    record.fields.customerId,
    record.fields.fingerprint ?? '',
  ]);
  return row;
}

/** The ticket's 10 minutes pass: its expiry moves into the past, in its sealed record and on the schedule the sweep reads. */
async function timeRunsOut(link: string): Promise<void> {
  const id = hashOf(new URL(link).pathname.split('/').at(-1) ?? '');
  const past = Date.now() - 1000;
  const book = new TicketBook(new RedisSecureStore(redis, PREFIX), new SecretBox(SECRETS_KEY), TICKET_GRACE_MS);
  expect(await book.change(id, (record) => ({ result: true, next: { ...record, expiresAt: past } }))).toEqual({ result: true });
  await redis.zadd(`${PREFIX}secure/expiry`, past, id);
}

test('killed after the CA issued and before the device said it saved: a page that lives on completes; closed ones expire on time, their customers told and nothing left valid', async () => {
  const killed = await bot();
  const [returning, gone, late] = await Promise.all([journeyOn(killed.url), journeyOn(killed.url), journeyOn(killed.url)]);
  const returningPage = await returning.untilIssuancePage(freshRrn());
  const gonePage = await gone.untilIssuancePage(freshRrn());
  const latePage = await late.untilIssuancePage(freshRrn());
  const kept = await returningPage.requestCertificate();
  await gonePage.requestCertificate();
  const lateAuthorization = await latePage.authorize();
  const goneLink = gone.pages.at(-1)?.link as string;
  const lateLink = late.pages.at(-1)?.link as string;

  // The CA issued both and the registry lists them; nothing is settled yet.
  const issued = await eventually(
    async () => {
      const withSerial = (await journaledIssuances(await records())).filter((record) => record.fields.serialNumber !== undefined);
      return withSerial.length === 2 ? withSerial : undefined;
    },
    10_000,
    'the CA to issue both certificates',
  );
  for (const record of issued) {
    expect(record.fields.outcome).toBeUndefined();
    expect((await registered(record))?.status).toBe('active');
  }
  await killBotProcess(killed);

  const restarted = await bot();
  // The page that lives on: the device saves the files and says so, to the restarted process (the same origin behind a proxy).
  returningPage.moveTo(restarted.url);
  const { serialNumber: keptSerial } = await returningPage.save(kept, CERT_PASSWORD);
  const card = await returning.hear('issuance.advice');
  expectReply(card, 'issuance.issued');
  expect(card.join('\n')).toContain(keptSerial);

  // The closed pages: their tickets' time runs out, and the restarted process's sweep (every 30 s) ends them.
  await timeRunsOut(goneLink);
  await timeRunsOut(lateLink);
  for (const [journey, link] of [
    [gone, goneLink],
    [late, lateLink],
  ] as const) {
    await journey.hear('secureStep.expired', 45_000);
    expect(secureLinkIn(await journey.hear('secureStep.open.issuance'))).not.toBe(link);
  }
  const goneRecord = issued.find((record) => record.fields.serialNumber !== keptSerial) as JournaledIssuance;
  const goneSerial = goneRecord.fields.serialNumber as string;
  await eventually(async () => (await journaled(goneSerial))?.fields.outcome === 'revoked', 10_000, `revocation of ${goneSerial}`);
  expect(await ledgerEntry(await records(), goneSerial)).toEqual(
    expect.objectContaining({ reason: 'cessationOfOperation', revokedAt: expect.any(String) }),
  );
  expect((await registered(goneRecord))?.status).toBe('revoked');
  // The certificate whose files were saved stands.
  expect((await journaled(keptSerial))?.fields.outcome).toBe('delivered');
  expect((await ledgerEntry(await records(), keptSerial))?.revokedAt).toBeUndefined();

  // The late device asks the CA after its ticket ended: what it gets is nobody's, and is revoked at once.
  latePage.moveTo(restarted.url);
  // The CA is the restarted process now, at its own port.
  const caEndpoint = `${restarted.url}${new URL(lateAuthorization.caEndpoint).pathname}`;
  const orphan = await latePage.requestCertificate({ ...lateAuthorization, caEndpoint });
  const orphanSerial = (await inspectCertificate(orphan.certificate)).serialNumber;
  await eventually(async () => (await ledgerEntry(await records(), orphanSerial))?.revokedAt, 10_000, `revocation of ${orphanSerial}`);

  // Published: the restarted instance's CRL lists both revoked serials.
  const crl = Buffer.from(await (await fetch(`${restarted.url}/ca/bank.crl`)).arrayBuffer());
  const listed = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], { input: crl })
    .toString()
    .replace(/\s/g, '')
    .toLowerCase();
  for (const serial of [goneSerial, orphanSerial]) expect(listed).toContain(serial.toLowerCase());
  expect(listed).not.toContain(keptSerial.toLowerCase());
  expect(restarted.output()).not.toContain('"turn failed"');
});

test('killed between the CA’s signature and the commit: nothing is half-written, and the journal settles the issuance that never was', async () => {
  // Alone on the database: the first drill's processes would wait on the audit too.
  await Promise.all(bots.splice(0).map((running) => stopBotProcess(running)));
  const db = await records();
  const count = async (table: string) => ((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0] as { n: number }).n;
  const written = async () => ({
    ledger: await count('ca_certificates'),
    registry: await count('certificates'),
    // Consents given on the page are audited as it goes; the certificate's own rows are what must not be there.
    audit: await count("audit_log WHERE category = 'certificate'"),
  });
  const before = await written();
  const earlier = new Set((await journaledIssuances(db)).map((record) => record.key));
  const killed = await bot();
  const journey = await journeyOn(killed.url);
  const page = await journey.untilIssuancePage(freshRrn());
  const link = journey.pages.at(-1)?.link as string;
  // Authorised first: consents given on the page are audited too.
  const authorization = await page.authorize();

  // Holding the audit's head keeps the issuance's transaction waiting inside it: the CA has signed, nothing is committed.
  const holder = new Client({ connectionString: await fileDatabaseUrl() });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT * FROM audit_head FOR UPDATE');
  const request = page.requestCertificate(authorization).then(
    () => 'answered',
    () => 'cut off',
  );
  await eventually(
    async () =>
      (await journaledIssuances(db)).some((record) => !earlier.has(record.key)) &&
      (
        await db.query(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%audit_head%' AND pid <> pg_backend_pid()",
        )
      ).length > 0,
    10_000,
    'the issuance to wait for its commit',
  );
  await killBotProcess(killed);
  await holder.query('ROLLBACK');
  await holder.end();
  expect(await request).toBe('cut off');

  // Nothing half-written: no ledger entry, no registry entry, no audit row; the journal's record has no certificate.
  const open = (await journaledIssuances(db)).find((record) => !earlier.has(record.key));
  expect(open?.fields).toEqual({ customerId: expect.any(String) });
  expect(await written()).toEqual(before);

  // The restarted process ends the ticket on time and settles the issuance: failed, nothing to revoke.
  await bot();
  await timeRunsOut(link);
  await journey.hear('secureStep.expired', 45_000);
  await eventually(
    async () => (await journaledIssuances(db)).find((record) => record.key === open?.key)?.fields.outcome === 'failed',
    10_000,
    'the journal to settle the interrupted issuance',
  );
  expect(await count('ca_certificates')).toBe(before.ledger);
});
