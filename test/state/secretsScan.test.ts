import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, SeenReply } from '../support/customer';
import { CUSTOMER } from '../support/journeys';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { createRedisTestBot } from '../support/redisBot';
import { capturingLogger, testCertificateService } from '../support/testBot';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { startHttpBot } from '../support/httpBot';
import { freshRrn } from '../support/httpJourneys';
import { DirectLineTestClient, textOf } from '../directLine/directLineClient';
import { DirectLineCustomer, issueOverDirectLine, shownIn } from '../directLine/directLineJourney';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const PASSWORD = 'Gildong#2026!';
const OTHER_PASSWORD = 'Other#Bank2026';
const NEW_PASSWORD = 'Newpass#7319!';
const prefix = `jca-test-secrets-${randomUUID()}:`;

test('after an issuance, a registration, a release and a reissue with Redis state, no 주민등록번호, password, one-time code or key is in the logs, Redis or the transcript', async () => {
  const { logger, lines } = capturingLogger();
  const otp = new CapturingOtpSender();
  const bot = await createRedisTestBot(SHARED_REDIS_URL, prefix, logger, otp);
  const admin = new Redis(SHARED_REDIS_URL);
  try {
    const customer = new Customer(bot.adapter);
    const transcript: SeenReply[] = [...(await customer.join())];
    for (const text of ['인증서 발급', CUSTOMER.name, CUSTOMER.rrn, CUSTOMER.carrier, CUSTOMER.phone])
      transcript.push(...(await customer.say(text)));
    const code = otp.lastCodeFor(CUSTOMER.phoneDigits) as string;
    transcript.push(...(await customer.say('000000')), ...(await customer.say(code)));
    for (const text of ['동의합니다', '은행·신용카드·보험용 (무료)', PASSWORD]) transcript.push(...(await customer.say(text)));
    // mid-journey, between the two password turns, and again at the end
    const stored = await dumpRedis(admin);
    transcript.push(...(await customer.say(PASSWORD)));
    expect(transcript.map((r) => r.text).join('\n')).toContain('인증서가 발급되었어요');
    stored.push(...(await dumpRedis(admin)));

    // registration of another bank's certificate: files, its password, the 주민등록번호 again
    const other = await (
      await testCertificateService()
    ).otherBankCa.issue({ realName: CUSTOMER.name, idn: CUSTOMER.rrn.replace('-', ''), type: 'personalGeneral' });
    const signPri = Buffer.from(await encryptPrivateKeyFile(other.privateKeyInfo, OTHER_PASSWORD));
    const codes = [code];
    /** 본인 인증 and 추가 인증 at the start of a journey, every code kept for the scan. */
    const verify = async (start: string) => {
      for (const text of [start, CUSTOMER.name, CUSTOMER.rrn, CUSTOMER.carrier, CUSTOMER.phone])
        transcript.push(...(await customer.say(text)));
      for (let i = 0; i < 2; i++) {
        codes.push(otp.lastCodeFor(CUSTOMER.phoneDigits) as string);
        transcript.push(...(await customer.say(codes.at(-1) as string)));
      }
      stored.push(...(await dumpRedis(admin)));
    };
    await verify('타기관 인증서 등록');
    transcript.push(...(await customer.say('인증서 등록하기')));
    const upload = (name: string, bytes: Buffer) => ({
      name,
      contentType: 'application/octet-stream',
      contentUrl: `data:;base64,${bytes.toString('base64')}`,
    });
    transcript.push(
      ...(await customer.send({
        type: 'message',
        attachments: [upload('signCert.der', other.certificate), upload('signPri.key', signPri)],
      })),
    );
    transcript.push(...(await customer.say(OTHER_PASSWORD)));
    stored.push(...(await dumpRedis(admin))); // the files and R are held here, sealed
    transcript.push(...(await customer.say(CUSTOMER.rrn)));
    expect(transcript.map((r) => r.text).join('\n')).toContain('인증서를 등록했어요');
    stored.push(...(await dumpRedis(admin)));

    // release it, then reissue the issued one with a new password
    await verify('타기관 인증서 등록·해제');
    for (const text of ['등록된 인증서 해제', '1', '네']) transcript.push(...(await customer.say(text)));
    await verify('재발급');
    for (const text of ['1', '인증서 분실', '네', NEW_PASSWORD]) transcript.push(...(await customer.say(text)));
    stored.push(...(await dumpRedis(admin)));
    transcript.push(...(await customer.say(NEW_PASSWORD)));
    expect(transcript.map((r) => r.text).join('\n')).toMatch(/등록을 해제했어요[\s\S]*인증서를 재발급했어요/);
    stored.push(...(await dumpRedis(admin)));
    const keyBytes = signPri.toString('base64').slice(0, 40);
    const haystacks = { logs: lines.join('\n'), redis: stored.join('\n'), transcript: transcript.map((r) => r.text).join('\n') };
    const secrets = [
      CUSTOMER.rrn,
      CUSTOMER.rrn.replace('-', ''),
      '1234567',
      PASSWORD,
      OTHER_PASSWORD,
      NEW_PASSWORD,
      CUSTOMER.phoneDigits,
      '2468-1357',
      keyBytes,
    ];
    // A 6-digit code counts as a token of its own: six digits may occur by chance inside a hex serial or fingerprint.
    const codeTokens = codes.map((c) => new RegExp(`(?<![0-9A-Za-z])${c}(?![0-9A-Za-z])`));
    expect(codes).toEqual(Array.from({ length: 7 }, () => expect.stringMatching(/^\d{6}$/)));
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets)
        expect({ where, leaked: text.includes(secret) ? secret : undefined }).toEqual({ where, leaked: undefined });
      for (const token of codeTokens)
        expect({ where, leaked: token.test(text) ? token.source : undefined }).toEqual({ where, leaked: undefined });
    }
    // the scan sees real content: the masked forms are there, the secrets are not
    expect(haystacks.transcript).toContain('900101-1******');
    expect(haystacks.redis).toContain(`conversation/test/${customer.conversationId}`);
    expect(haystacks.redis).toContain(`transcript/test/${customer.conversationId}`);
    expect(haystacks.redis).toContain('900101-1******'); // the masked form, kept while the journey runs
    expect(stored.length).toBeGreaterThan(0);
  } finally {
    await deleteKeysMatching(admin, `${prefix}*`);
    admin.disconnect();
    bot.redis.disconnect();
  }
});

test('after an issuance over Direct Line, with secrets typed as free text, none of them nor the download token is in Redis (the Direct Line log included) or the logs', async () => {
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
    const { code, downloadUrl } = await issueOverDirectLine(customer, rrn);
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
      downloadUrl.split('/').at(-1) as string,
    ];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const leak of secrets) expect({ where, leaked: text.includes(leak) ? leak : undefined }).toEqual({ where, leaked: undefined });
      expect({ where, leaked: new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text) }).toEqual({ where, leaked: false });
    }
    // the scan saw the Direct Line log, with the journey in it; the customer saw the code and the link live
    expect(haystacks.redis).toContain(`directline:{${conversationId}}:log`);
    expect(haystacks.redis).toContain('인증서가 발급되었어요');
    expect(shownIn(client.received)).toContain(downloadUrl);
  } finally {
    client?.end();
    await bot.app.close();
    await deleteKeysMatching(admin, `${dlPrefix}*`);
    admin.disconnect();
  }
}, 60_000);

async function dumpRedis(admin: Redis, keyPrefix = prefix): Promise<string[]> {
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
