import { randomBytes } from 'node:crypto';
import type { TestAdapter } from 'botbuilder';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { createLogger } from '../../src/logging/logger';
import { Customer, lastChoices, texts } from '../support/customer';
import { useSharedRedis } from '../support/redisCleanup';
import { createRedisTestBot, RedisTestBot } from '../support/redisBot';
import { createTestBot } from '../support/testBot';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const RRN = '900101-1234567';
const PHONE = '010-2468-1357';
let otp: CapturingOtpSender;
let adapter: TestAdapter;
let customer: Customer;
let now: number;

beforeEach(async () => {
  otp = new CapturingOtpSender();
  now = Date.UTC(2026, 10, 26, 3, 0, 0);
  adapter = await createTestBot({ otpSender: otp, clock: () => now });
  customer = new Customer(adapter);
  await customer.join();
});

/** Goes through 본인 인증 up to the code, and returns what the bot said on sending it (or on not sending it). */
async function upToTheCode(who: Customer = customer, rrn: string = RRN): Promise<string[]> {
  expect(texts(await who.say('인증서 발급'))[0]).toContain('이름을 입력해 주세요');
  expect(texts(await who.say('홍길동'))[0]).toContain('주민등록번호 13자리');
  const rrnReply = texts(await who.say(rrn));
  expect(rrnReply[0]).toBe(`주민등록번호 ${rrn.slice(0, 8)}******을 확인했어요.`);
  expect(rrnReply[1]).toContain('통신사');
  expect(texts(await who.say('SKT'))[0]).toContain('휴대폰 번호');
  return texts(await who.say(PHONE));
}

/** A 6-digit code that is not the one last sent to the phone. */
const wrongCode = (): string => (otp.lastCodeFor('01024681357') === '000000' ? '111111' : '000000');

test('본인 인증: name, 주민등록번호 (echoed masked), carrier, phone, then the code sent by the sandbox', async () => {
  const sent = await upToTheCode();
  expect(sent[0]).toContain('휴대폰 010-****-1357에 인증번호 6자리를 보냈어요');
  const code = otp.lastCodeFor('01024681357');
  expect(code).toMatch(/^\d{6}$/);
  const verified = texts(await customer.say(code as string));
  expect(verified[0]).toBe('본인 인증이 완료되었어요.');
  // and the journey goes on to the terms
  expect(verified.join('\n')).toContain('약관');
});

test('the 주민등록번호 is refused with the specific problem, and the message is deleted where possible', async () => {
  const deleted = jest.spyOn(adapter, 'deleteActivity');
  await customer.say('인증서 발급');
  await customer.say('홍길동');
  expect(texts(await customer.say('901301-1234567', 'rrn-message'))[0]).toContain('생년월일이 올바르지 않아요');
  expect(deleted.mock.calls.map(([, reference]) => reference.activityId)).toContain('rrn-message');
  expect(texts(await customer.say('900101-9234567'))[0]).toContain('뒷자리 첫 숫자');
  expect(texts(await customer.say('12345'))[0]).toContain('숫자 13자리');
});

test('a wrong code says how many tries are left; the fifth locks for 10 minutes and offers an agent', async () => {
  await upToTheCode();
  const code = otp.lastCodeFor('01024681357') as string;
  const wrong = code === '000000' ? '111111' : '000000';
  expect(texts(await customer.say(wrong))[0]).toContain('4번 더');
  for (let i = 0; i < 3; i++) await customer.say(wrong);
  const locked = await customer.say(wrong);
  expect(texts(locked)).toEqual([expect.stringContaining('10분 동안'), '상담원을 연결해 드릴까요?']);
  expect(lastChoices(locked)).toEqual(['네', '아니요']);
  expect((await customer.say('네'))[0]?.text).toContain('상담원 연결을 요청했어요');

  // a new attempt within the 10 minutes is refused at once, without sending a code
  const sentBefore = otp.countFor('01024681357');
  await customer.say('처음으로');
  await upToTheCode().catch(() => undefined);
  expect(otp.countFor('01024681357')).toBe(sentBefore);
});

test('the code expires after 3 minutes, and a resent code works', async () => {
  await upToTheCode();
  const first = otp.lastCodeFor('01024681357') as string;
  now += 3 * 60 * 1000 + 1;
  expect(texts(await customer.say(first))[0]).toContain('3분');
  expect(texts(await customer.say('재전송'))[0]).toContain('인증번호 6자리를 보냈어요');
  const second = otp.lastCodeFor('01024681357') as string;
  expect(texts(await customer.say(second))[0]).toBe('본인 인증이 완료되었어요.');
});

test.each(['이름', '주민등록번호', '통신사', '휴대폰', '인증번호'])('취소 at the %s step returns to the menu', async (step) => {
  const steps = ['인증서 발급', '홍길동', RRN, 'SKT', PHONE];
  const index = ['이름', '주민등록번호', '통신사', '휴대폰', '인증번호'].indexOf(step);
  for (const input of steps.slice(0, index + 1)) await customer.say(input);
  const replies = await customer.say('취소');
  expect(replies[0]?.text).toContain('취소했어요');
  expect(lastChoices(replies)).toContain('인증서 발급');
});

test('in English too', async () => {
  await customer.say('English');
  expect(texts(await customer.say('Issue a certificate'))[0]).toContain('verify your identity');
  await customer.say('Hong Gildong');
  expect(texts(await customer.say(RRN))[0]).toBe('Got it: 900101-1******.');
  await customer.say('KT');
  expect(texts(await customer.say(PHONE))[0]).toContain('010-****-1357');
  expect(texts(await customer.say(otp.lastCodeFor('01024681357') as string))[0]).toBe('Your identity is verified.');
});

describe('one-time codes are counted per customer and per phone, not per challenge', () => {
  test('wrong codes count across 취소 and a new 본인 인증: the 5th overall locks, saying until when', async () => {
    await upToTheCode();
    for (const left of [4, 3, 2, 1]) expect(texts(await customer.say(wrongCode()))[0]).toContain(`${left}번 더`);
    expect(texts(await customer.say('취소'))[0]).toContain('취소했어요');
    now += 31_000;
    expect((await upToTheCode())[0]).toContain('인증번호 6자리를 보냈어요');
    const locked = await customer.say(wrongCode());
    // 12:00:31 in Korea, plus 10 minutes
    expect(texts(locked)).toEqual([expect.stringContaining('10분 동안 본인 인증을 할 수 없어요. 12:10 이후에 다시 시도해 주세요'), '상담원을 연결해 드릴까요?']);
  });

  test('a lock earned in one conversation holds in another, even against the right code', async () => {
    await upToTheCode();
    const code = otp.lastCodeFor('01024681357') as string;
    const second = new Customer(adapter);
    await second.join();
    now += 30_000;
    await upToTheCode(second);
    for (let i = 0; i < 4; i++) await second.say(wrongCode());
    expect(texts(await second.say(wrongCode()))[0]).toContain('10분 동안 본인 인증을 할 수 없어요');
    expect(texts(await customer.say(code))[0]).toContain('10분 동안 본인 인증을 할 수 없어요');
  });

  test('a code is resent 30 seconds after the previous one at the earliest, and the customer is told how long to wait', async () => {
    await upToTheCode();
    now += 10_000;
    const tooSoon = await customer.say('재전송');
    expect(texts(tooSoon)).toEqual(['인증번호는 보낸 지 30초가 지나야 다시 받을 수 있어요 (20초 남음). 잠시 후 "재전송"이라고 말씀해 주세요.']);
    expect(lastChoices(tooSoon)).toEqual(['재전송']);
    expect(otp.countFor('01024681357')).toBe(1);
    now += 20_000;
    expect(texts(await customer.say('재전송'))[0]).toContain('인증번호 6자리를 보냈어요');
    expect(otp.countFor('01024681357')).toBe(2);
    expect(texts(await customer.say(otp.lastCodeFor('01024681357') as string))[0]).toBe('본인 인증이 완료되었어요.');
  });

  test('취소 and starting again at once sends no second code within 30 seconds; after the wait, the next message sends it', async () => {
    await upToTheCode();
    await customer.say('취소');
    now += 5_000;
    expect(await upToTheCode()).toEqual([expect.stringContaining('30초가 지나야 다시 받을 수 있어요 (25초 남음)')]);
    expect(otp.countFor('01024681357')).toBe(1);
    now += 25_000;
    expect(texts(await customer.say('재전송'))[0]).toContain('인증번호 6자리를 보냈어요');
    expect(otp.countFor('01024681357')).toBe(2);
    expect(texts(await customer.say(otp.lastCodeFor('01024681357') as string))[0]).toBe('본인 인증이 완료되었어요.');
  });

  test('at most 5 codes an hour go to one phone, across conversations and customers; the 6th is refused, saying when', async () => {
    await upToTheCode();
    for (let i = 0; i < 2; i++) {
      now += 30_000;
      expect(texts(await customer.say('재전송'))[0]).toContain('인증번호 6자리를 보냈어요');
    }
    // someone else, in a conversation of their own, gives the same phone
    const other = new Customer(adapter);
    await other.join();
    now += 30_000;
    expect((await upToTheCode(other, '850505-2345678'))[0]).toContain('인증번호 6자리를 보냈어요');
    now += 30_000;
    expect(texts(await other.say('재전송'))[0]).toContain('인증번호 6자리를 보냈어요');
    expect(otp.countFor('01024681357')).toBe(5);
    now += 30_000;
    const refused = await other.say('재전송');
    // the first went at 12:00 in Korea
    expect(texts(refused)).toEqual([expect.stringContaining('이 번호로는 인증번호를 한 시간에 5번까지 받을 수 있어요. 13:00 이후에 다시 시도해 주세요'), '상담원을 연결해 드릴까요?']);
    expect(otp.countFor('01024681357')).toBe(5);
    // and the first customer cannot get one either
    expect(texts(await customer.say('재전송'))[0]).toContain('13:00 이후에');
    expect(otp.countFor('01024681357')).toBe(5);
  });
});

describe('with Redis, the counts outlive the bot', () => {
  const prefix = `jca-test-limits-${randomBytes(4).toString('hex')}:`;
  useSharedRedis(prefix);

  test('wrong codes and the last send hold after a restart (a new bot on the same Redis and key)', async () => {
    const secretsKey = randomBytes(32);
    const start = () => createRedisTestBot(SHARED_REDIS_URL, prefix, createLogger('silent'), otp, { secretsKey, clock: () => now });
    const before = await start();
    let after: RedisTestBot | undefined;
    try {
      customer = new Customer(before.adapter);
      await customer.join();
      await upToTheCode();
      for (const left of [4, 3, 2, 1]) expect(texts(await customer.say(wrongCode()))[0]).toContain(`${left}번 더`);
      before.redis.disconnect();

      after = await start();
      customer = new Customer(after.adapter);
      await customer.join();
      expect(await upToTheCode()).toEqual([expect.stringContaining('30초가 지나야 다시 받을 수 있어요')]);
      now += 30_000;
      expect(texts(await customer.say('재전송'))[0]).toContain('인증번호 6자리를 보냈어요');
      expect(texts(await customer.say(wrongCode()))[0]).toContain('10분 동안 본인 인증을 할 수 없어요');
    } finally {
      before.redis.disconnect();
      after?.redis.disconnect();
    }
  });
});
