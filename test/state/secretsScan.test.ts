import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { HttpCustomer } from '../support/httpCustomer';
import { startHttpBot } from '../support/httpBot';
import { freshRrn, HttpJourney, onInstance } from '../support/httpJourneys';
import { CUSTOMER, OTHER_BANK_PASSWORD, otherBankFiles } from '../support/journeys';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { capturingLogger } from '../support/testBot';
import { DirectLineTestClient, textOf } from '../directLine/directLineClient';
import { DirectLineCustomer, issueOverDirectLine, shownIn } from '../directLine/directLineJourney';
import { SHARED_REDIS_URL } from '../support/sharedRedis';
import { ownerDatabase } from '../support/recordDatabases';
import { freshDatabaseUrl } from '../support/testDatabase';

const PASSWORD = 'Gildong#2026!';
const NEW_PASSWORD = 'Newpass#7319!';

/** The secure step tickets of the links a customer was given. */
const ticketsOf = (links: readonly string[]) => links.map((link) => link.split('/').at(-1) as string);

const METRICS_TOKEN = 'metrics-scraper-token-0123456789abcdef';

/** Every row of every table of the system of record, as text. */
async function dumpDatabase(url: string): Promise<string> {
  const db = await ownerDatabase(url);
  try {
    const tables = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    const rows = await Promise.all(tables.map(async ({ table_name }) => JSON.stringify(await db.query(`SELECT * FROM ${table_name}`))));
    return rows.join('\n');
  } finally {
    await db.close();
  }
}

test('after an issuance, a registration, a release and a reissue on the real server and its secure pages, no 주민등록번호, phone digits, code, password, key or ticket is in the logs, Redis, the system of record, /metrics or the transcript', async () => {
  const { logger, lines } = capturingLogger();
  const prefix = `jca-test-secrets-${randomUUID()}:`;
  const databaseUrl = await freshDatabaseUrl();
  // The test run's sandbox CAs (test/support/testBot.ts), so that the other bank's certificate is one the server trusts.
  const bot = await startHttpBot(
    {
      REDIS_URL: SHARED_REDIS_URL,
      STATE_KEY_PREFIX: prefix,
      CA_DIR: join(tmpdir(), 'jca-test-ca'),
      DATABASE_URL: databaseUrl,
      METRICS_TOKEN,
    },
    logger,
  );
  const admin = new Redis(SHARED_REDIS_URL);
  const customer = await HttpCustomer.start();
  const stored: string[] = [];
  const dump = async () => void stored.push(...(await dumpRedis(admin, prefix)));
  try {
    const journey = new HttpJourney(customer, onInstance(bot.url));
    const seen: string[] = [];
    const say = async (text: string, key: string) => void seen.push(...(await journey.say(text, key)));
    const hear = async (key: string) => void seen.push(...(await journey.hear(key)));

    // 발급: the Redis dumps mid-step hold the open tickets (sealed) and the CA's registration
    await journey.verifyIdentity('인증서 발급', CUSTOMER.rrn, 'secureStep.open.additional');
    await dump();
    await journey.verifyAdditional(customer.proactive, 'issuance.terms');
    await say('동의합니다', 'issuance.chooseType');
    const issuancePage = await journey.page(await journey.say('은행·신용카드·보험용 (무료)', 'secureStep.open.issuance'));
    const certificate = await issuancePage.requestCertificate();
    await dump();
    const issued = await issuancePage.save(certificate, PASSWORD);
    await hear('issuance.advice');
    await dump();

    // 타기관 인증서 등록: the files opened on the device with their password, possession proven
    await journey.verify('타기관 인증서 등록', CUSTOMER.rrn, 'registration.chooseAction');
    const registrationPage = await journey.page(await journey.say('인증서 등록하기', 'secureStep.open.registration'));
    const files = await otherBankFiles();
    await dump();
    expect(await registrationPage.prove(files, OTHER_BANK_PASSWORD)).toEqual({ registered: true });
    await hear('registration.registered');
    await dump();

    // release it, then reissue the issued one with a new password
    await journey.verify('타기관 인증서 등록', CUSTOMER.rrn, 'registration.chooseAction');
    await say('등록된 인증서 해제', 'release.pick');
    await say('1', 'release.confirm');
    await say('네', 'release.done');
    await journey.verifyIdentity('재발급', CUSTOMER.rrn, 'reissue.pick');
    await say('1', 'reissue.askReason');
    await say('인증서 분실', 'reissue.confirmRevocation');
    await journey.verifyAdditional(await journey.say('네', 'secureStep.open.additional'), 'secureStep.open.issuance');
    const reissuePage = await journey.page(customer.proactive);
    const reissued = await reissuePage.issue(NEW_PASSWORD);
    await hear('reissue.oldRevoked');
    await dump();

    const transcript = [...seen, ...customer.proactive].join('\n');
    expect(transcript).toMatch(/인증서가 발급되었어요[\s\S]*인증서를 등록했어요[\s\S]*등록을 해제했어요[\s\S]*인증서를 재발급했어요/);
    const tickets = ticketsOf(journey.pages.map((page) => page.link));
    const secrets = [
      CUSTOMER.rrn,
      CUSTOMER.rrn.replace('-', ''),
      '1234567',
      PASSWORD,
      OTHER_BANK_PASSWORD,
      NEW_PASSWORD,
      CUSTOMER.phoneDigits,
      CUSTOMER.phone,
      '2468-1357',
      // the private keys, encrypted on the device: not even their ciphertext reaches the server
      Buffer.from(files.signPri).toString('base64').slice(0, 40),
      Buffer.from(issued.signPri).toString('base64').slice(0, 40),
      Buffer.from(reissued.signPri).toString('base64').slice(0, 40),
    ];
    const scraped = await (await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const haystacks = {
      logs: lines.join('\n'),
      redis: stored.join('\n'),
      database: await dumpDatabase(databaseUrl),
      metrics: scraped,
      transcript,
    };
    // A 6-digit code counts as a token of its own: six digits may occur by chance inside a hex serial or fingerprint.
    const codeTokens = journey.codes.map((c) => new RegExp(`(?<![0-9A-Za-z])${c}(?![0-9A-Za-z])`));
    expect(journey.codes).toEqual(Array.from({ length: 8 }, () => expect.stringMatching(/^\d{6}$/)));
    for (const [where, text] of Object.entries(haystacks)) {
      // The customer's own chat carries the links; nothing else keeps them.
      for (const secret of where === 'transcript' ? secrets : [...secrets, ...tickets])
        expect({ where, leaked: text.includes(secret) ? secret : undefined }).toEqual({ where, leaked: undefined });
      for (const token of codeTokens)
        expect({ where, leaked: token.test(text) ? token.source : undefined }).toEqual({ where, leaked: undefined });
    }
    // the scan sees real content: the journeys' state, transcript and tickets, and the masked name
    expect(transcript).toContain('홍*동');
    expect(haystacks.redis).toContain(`conversation/test/${customer.conversationId}`);
    expect(haystacks.redis).toContain(`transcript/test/${customer.conversationId}`);
    expect(haystacks.redis).toContain(`${prefix}secure/ticket/`);
    expect(haystacks.redis).toContain('[link]');
    expect(haystacks.database).toContain(issued.serialNumber.toLowerCase().replace(/^0+/, '').slice(0, 8));
    // The counters hold the whole journeys, by journey and step names only.
    for (const journey of ['issuing', 'registering', 'reissuing'])
      expect(scraped).toMatch(new RegExp(`jca_journeys_started_total\\{journey="${journey}"[^}]*\\} [1-9]`));
    expect(scraped).toMatch(/jca_journeys_completed_total\{journey="issuing"[^}]*\} [1-9]/);
    expect(scraped).toMatch(/jca_journeys_completed_total\{journey="reissuing"[^}]*\} [1-9]/);
    expect(scraped).toMatch(/jca_turns_total\{channel="test",outcome="answered"\} [1-9]/);
    expect(scraped).toMatch(/jca_turn_stage_duration_seconds_bucket\{[^}]*stage="step"/);
  } finally {
    await customer.close();
    await bot.app.close();
    await deleteKeysMatching(admin, `${prefix}*`);
    admin.disconnect();
  }
}, 60_000);

test('after an issuance over Direct Line, with secrets typed as free text, none of them nor a secure step ticket is in Redis (the Direct Line log included) or the logs', async () => {
  const { logger, lines } = capturingLogger();
  const dlPrefix = `jca-test-secrets-dl-${randomUUID()}:`;
  const secret = 'secrets-scan-directline-0123456789abcdef';
  const bot = await startHttpBot(
    {
      REDIS_URL: SHARED_REDIS_URL,
      STATE_KEY_PREFIX: dlPrefix,
      DIRECTLINE_SECRET: secret,
      CA_DIR: mkdtempSync(join(tmpdir(), 'jca-secrets-dl-ca-')),
    },
    logger,
  );
  const admin = new Redis(SHARED_REDIS_URL);
  let client: DirectLineTestClient | undefined;
  try {
    const generated = await fetch(`${bot.url}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: 'customer' } }),
    });
    const { conversationId, token } = (await generated.json()) as { conversationId: string; token: string };
    client = new DirectLineTestClient({ domain: `${bot.url}/v3/directline`, token, webSocket: true });
    await client.waitFor((a) => textOf(a).includes('무엇을 도와드릴까요'));
    const customer = new DirectLineCustomer(client, 'customer');
    await customer.say('제 주민번호는 770707-1234567, 연락처는 010-5555-6666, 비밀번호는 Gildong#2026! 이에요');
    const stored = await dumpRedis(admin, dlPrefix);
    const rrn = freshRrn();
    const { codes, links } = await issueOverDirectLine(customer, rrn);
    stored.push(...(await dumpRedis(admin, dlPrefix)));
    const haystacks = { logs: lines.join('\n'), redis: stored.join('\n') };
    const secrets = [
      '770707-1234567',
      '1234567',
      '010-5555-6666',
      '5555-6666',
      rrn,
      rrn.replace('-', ''),
      CUSTOMER.phoneDigits,
      '2468-1357',
      PASSWORD,
      ...ticketsOf(links),
    ];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const leak of secrets) expect({ where, leaked: text.includes(leak) ? leak : undefined }).toEqual({ where, leaked: undefined });
      for (const code of codes)
        expect({ where, leaked: new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text) }).toEqual({ where, leaked: false });
    }
    // the scan saw the Direct Line log, with the journey in it; the customer saw the links live
    expect(haystacks.redis).toContain(`directline:{${conversationId}}:log`);
    expect(haystacks.redis).toContain('인증서가 발급되었어요');
    for (const link of links) expect(shownIn(client.received)).toContain(link);
  } finally {
    client?.end();
    await bot.app.close();
    await deleteKeysMatching(admin, `${dlPrefix}*`);
    admin.disconnect();
  }
}, 60_000);

/** Every key under the prefix and every value in it, whatever its type. */
async function dumpRedis(admin: Redis, keyPrefix: string): Promise<string[]> {
  const stored: string[] = [];
  for (const key of await keysMatching(admin, `${keyPrefix}*`)) {
    const type = await admin.type(key);
    if (type === 'string') stored.push(key, (await admin.get(key)) ?? '');
    else if (type === 'hash') stored.push(key, ...Object.entries(await admin.hgetall(key)).flat());
    else if (type === 'list') stored.push(key, ...(await admin.lrange(key, 0, -1)));
    else if (type === 'zset') stored.push(key, ...(await admin.zrange(key, 0, -1)));
    else if (type === 'set') stored.push(key, ...(await admin.smembers(key)));
  }
  return stored;
}
