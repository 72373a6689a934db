import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, SeenReply } from '../support/customer';
import { CUSTOMER } from '../support/journeys';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { createRedisTestBot } from '../support/redisBot';
import { capturingLogger } from '../support/testBot';

const PASSWORD = 'Gildong#2026!';
const prefix = `jca-test-secrets-${randomUUID()}:`;

test('after an issuance with Redis state, no 주민등록번호, password or one-time code is in the logs, Redis or the transcript', async () => {
  const { logger, lines } = capturingLogger();
  const otp = new CapturingOtpSender();
  const bot = await createRedisTestBot('redis://127.0.0.1:6379', prefix, logger, otp);
  const admin = new Redis('redis://127.0.0.1:6379');
  try {
    const customer = new Customer(bot.adapter);
    const transcript: SeenReply[] = [...(await customer.join())];
    for (const text of ['인증서 발급', CUSTOMER.name, CUSTOMER.rrn, CUSTOMER.carrier, CUSTOMER.phone]) transcript.push(...(await customer.say(text)));
    const code = otp.lastCodeFor(CUSTOMER.phoneDigits) as string;
    transcript.push(...(await customer.say('000000')), ...(await customer.say(code)));
    for (const text of ['동의합니다', '은행·신용카드·보험용 (무료)', PASSWORD]) transcript.push(...(await customer.say(text)));
    // mid-journey, between the two password turns, and again at the end
    const stored = await dumpRedis(admin);
    transcript.push(...(await customer.say(PASSWORD)));
    expect(transcript.map((r) => r.text).join('\n')).toContain('인증서가 발급되었어요');
    stored.push(...(await dumpRedis(admin)));
    const haystacks = { logs: lines.join('\n'), redis: stored.join('\n'), transcript: transcript.map((r) => r.text).join('\n') };
    const secrets = [CUSTOMER.rrn, CUSTOMER.rrn.replace('-', ''), '1234567', PASSWORD, code, CUSTOMER.phoneDigits, '2468-1357'];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) expect({ where, leaked: text.includes(secret) ? secret : undefined }).toEqual({ where, leaked: undefined });
    }
    // the scan sees real content: the masked forms are there, the secrets are not
    expect(haystacks.transcript).toContain('900101-1******');
    expect(haystacks.redis).toContain(`conversation/test/${customer.conversationId}`);
    expect(haystacks.redis).toContain('900101-1******'); // the masked form, kept while the journey runs
    expect(stored.length).toBeGreaterThan(0);
  } finally {
    await deleteKeysMatching(admin, `${prefix}*`);
    admin.disconnect();
    bot.redis.disconnect();
  }
});

async function dumpRedis(admin: Redis): Promise<string[]> {
  const stored: string[] = [];
  for (const key of await keysMatching(admin, `${prefix}*`)) {
    const type = await admin.type(key);
    if (type === 'string') stored.push(key, (await admin.get(key)) ?? '');
    else if (type === 'hash') stored.push(key, ...Object.entries(await admin.hgetall(key)).flat());
  }
  return stored;
}
