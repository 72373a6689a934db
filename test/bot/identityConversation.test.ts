import { randomBytes } from 'node:crypto';
import type { TestAdapter } from 'botbuilder';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { createLogger } from '../../src/logging/logger';
import { Customer, lastChoices, texts } from '../support/customer';
import { promptOf } from '../support/httpJourneys';
import { says, saysInEnglish, titlesOf } from '../support/replyTexts';
import { useSharedRedis } from '../support/redisCleanup';
import { createRedisTestBot, RedisTestBot } from '../support/redisBot';
import { createTestBot } from '../support/testBot';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const RRN = '900101-1234567';
const PHONE = '010-2468-1357';
const MASKED_PHONE = '010-****-1357';
const NOON_IN_KOREA = Date.UTC(2026, 10, 26, 3, 0, 0);
const TEN_MINUTES = 10 * 60_000;
let otp: CapturingOtpSender;
let adapter: TestAdapter;
let customer: Customer;
let now: number;

beforeEach(async () => {
  otp = new CapturingOtpSender();
  now = NOON_IN_KOREA;
  adapter = await createTestBot({ otpSender: otp, clock: () => now });
  customer = new Customer(adapter);
  await customer.join();
});

/** Goes through 본인 인증 up to the code, and returns what the bot said on sending it (or on not sending it). */
async function upToTheCode(who: Customer = customer, rrn: string = RRN): Promise<string[]> {
  expect(texts(await who.say('인증서 발급'))).toEqual([says('identity.askName')]);
  expect(texts(await who.say('홍길동'))).toEqual([says('identity.askRrn')]);
  expect(texts(await who.say(rrn))).toEqual([
    says('identity.rrnReceived', { masked: `${rrn.slice(0, 8)}******` }),
    says('identity.askCarrier'),
  ]);
  expect(texts(await who.say('SKT'))).toEqual([says('identity.askPhone')]);
  return texts(await who.say(PHONE));
}

const codeSent = (): string => says('codes.identity.sent', { phone: MASKED_PHONE });
const lockedUntil = (until: number): string => says('identity.locked', { until });

/** A 6-digit code that is not the one last sent to the phone. */
const wrongCode = (): string => (otp.lastCodeFor('01024681357') === '000000' ? '111111' : '000000');

test('본인 인증: name, 주민등록번호 (echoed masked), carrier, phone, then the code sent by the sandbox', async () => {
  const sent = await upToTheCode();
  expect(sent[0]).toBe(codeSent());
  const code = otp.lastCodeFor('01024681357');
  expect(code).toMatch(/^\d{6}$/);
  const verified = texts(await customer.say(code as string));
  expect(verified[0]).toBe(says('identity.verified'));
  // and the journey goes on to the terms
  expect(verified).toContain(says('issuance.terms'));
});

test('the 주민등록번호 is echoed masked, with the particle that follows it', async () => {
  await customer.say('인증서 발급');
  await customer.say('홍길동');
  expect(texts(await customer.say(RRN))[0]).toBe('주민등록번호 900101-1******을 확인했어요.');
});

test('the 주민등록번호 is refused with the specific problem, and the message is deleted where possible', async () => {
  const deleted = jest.spyOn(adapter, 'deleteActivity');
  await customer.say('인증서 발급');
  await customer.say('홍길동');
  expect(texts(await customer.say('901301-1234567', 'rrn-message'))[0]).toBe(says('identity.rrnInvalid.birthDate'));
  expect(deleted.mock.calls.map(([, reference]) => reference.activityId)).toContain('rrn-message');
  expect(texts(await customer.say('900101-9234567'))[0]).toBe(says('identity.rrnInvalid.genderDigit'));
  expect(texts(await customer.say('12345'))[0]).toBe(says('identity.rrnInvalid.format'));
});

test('a wrong code says how many tries are left; the fifth locks for 10 minutes and offers an agent', async () => {
  await upToTheCode();
  const code = otp.lastCodeFor('01024681357') as string;
  const wrong = code === '000000' ? '111111' : '000000';
  expect(texts(await customer.say(wrong))[0]).toBe(says('identity.codeWrong', { left: 4 }));
  for (let i = 0; i < 3; i++) await customer.say(wrong);
  const locked = await customer.say(wrong);
  expect(texts(locked)).toEqual([lockedUntil(now + TEN_MINUTES), says('identity.offerAgent')]);
  expect(lastChoices(locked)).toEqual(titlesOf(['yesNo.yes', 'yesNo.no']));
  expect((await customer.say('네'))[0]?.text).toBe(says('handoff.queued', { position: 1 }));

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
  expect(texts(await customer.say(first))[0]).toBe(says('identity.codeExpired'));
  expect(texts(await customer.say('재전송'))[0]).toBe(codeSent());
  const second = otp.lastCodeFor('01024681357') as string;
  expect(texts(await customer.say(second))[0]).toBe(says('identity.verified'));
});

test.each(['이름', '주민등록번호', '통신사', '휴대폰', '인증번호'])('취소 at the %s step returns to the menu', async (step) => {
  const steps = ['인증서 발급', '홍길동', RRN, 'SKT', PHONE];
  const index = ['이름', '주민등록번호', '통신사', '휴대폰', '인증번호'].indexOf(step);
  for (const input of steps.slice(0, index + 1)) await customer.say(input);
  const replies = await customer.say('취소');
  expect(replies[0]?.text).toBe(says('cancel.done'));
  expect(lastChoices(replies)).toContain(says('menu.choices.issue'));
});

test('in English too', async () => {
  await customer.say('English');
  expect(texts(await customer.say('Issue a certificate'))[0]).toBe(saysInEnglish('identity.askName'));
  await customer.say('Hong Gildong');
  expect(texts(await customer.say(RRN))[0]).toBe(saysInEnglish('identity.rrnReceived', { masked: '900101-1******' }));
  await customer.say('KT');
  expect(texts(await customer.say(PHONE))[0]).toBe(saysInEnglish('codes.identity.sent', { phone: MASKED_PHONE }));
  expect(texts(await customer.say(otp.lastCodeFor('01024681357') as string))[0]).toBe(saysInEnglish('identity.verified'));
});

describe('one-time codes are counted per customer and per phone, not per challenge', () => {
  test('wrong codes count across 취소 and a new 본인 인증: the 5th overall locks, saying until when', async () => {
    await upToTheCode();
    for (const left of [4, 3, 2, 1]) expect(texts(await customer.say(wrongCode()))[0]).toBe(says('identity.codeWrong', { left }));
    expect(texts(await customer.say('취소'))[0]).toBe(says('cancel.done'));
    now += 31_000;
    expect((await upToTheCode())[0]).toBe(codeSent());
    const locked = await customer.say(wrongCode());
    // 12:00:31 in Korea, plus 10 minutes
    expect(texts(locked)).toEqual([lockedUntil(now + TEN_MINUTES), says('identity.offerAgent')]);
    expect(texts(locked)[0]).toContain('12:10');
  });

  test('a lock earned in one conversation holds in another, even against the right code', async () => {
    await upToTheCode();
    const code = otp.lastCodeFor('01024681357') as string;
    const second = new Customer(adapter);
    await second.join();
    now += 30_000;
    await upToTheCode(second);
    for (let i = 0; i < 4; i++) await second.say(wrongCode());
    expect(texts(await second.say(wrongCode()))[0]).toContain(promptOf('identity.locked'));
    expect(texts(await customer.say(code))[0]).toContain(promptOf('identity.locked'));
  });

  test('a code is resent 30 seconds after the previous one at the earliest, and the customer is told how long to wait', async () => {
    await upToTheCode();
    now += 10_000;
    const tooSoon = await customer.say('재전송');
    expect(texts(tooSoon)).toEqual([says('identity.resendTooSoon', { seconds: 20 })]);
    expect(lastChoices(tooSoon)).toEqual(titlesOf(['identity.resendChoice']));
    expect(otp.countFor('01024681357')).toBe(1);
    now += 20_000;
    expect(texts(await customer.say('재전송'))[0]).toBe(codeSent());
    expect(otp.countFor('01024681357')).toBe(2);
    expect(texts(await customer.say(otp.lastCodeFor('01024681357') as string))[0]).toBe(says('identity.verified'));
  });

  test('취소 and starting again at once sends no second code within 30 seconds; after the wait, the next message sends it', async () => {
    await upToTheCode();
    await customer.say('취소');
    now += 5_000;
    expect(await upToTheCode()).toEqual([says('identity.resendTooSoon', { seconds: 25 })]);
    expect(otp.countFor('01024681357')).toBe(1);
    now += 25_000;
    expect(texts(await customer.say('재전송'))[0]).toBe(codeSent());
    expect(otp.countFor('01024681357')).toBe(2);
    expect(texts(await customer.say(otp.lastCodeFor('01024681357') as string))[0]).toBe(says('identity.verified'));
  });

  test('at most 5 codes an hour go to one phone, across conversations and customers; the 6th is refused, saying when', async () => {
    await upToTheCode();
    for (let i = 0; i < 2; i++) {
      now += 30_000;
      expect(texts(await customer.say('재전송'))[0]).toBe(codeSent());
    }
    // someone else, in a conversation of their own, gives the same phone
    const other = new Customer(adapter);
    await other.join();
    now += 30_000;
    expect((await upToTheCode(other, '850505-2345678'))[0]).toBe(codeSent());
    now += 30_000;
    expect(texts(await other.say('재전송'))[0]).toBe(codeSent());
    expect(otp.countFor('01024681357')).toBe(5);
    now += 30_000;
    const refused = await other.say('재전송');
    // the first went at 12:00 in Korea
    const hourlyLimit = says('identity.hourlyLimit', { retryAt: NOON_IN_KOREA + 60 * 60_000 });
    expect(texts(refused)).toEqual([hourlyLimit, says('identity.offerAgent')]);
    expect(hourlyLimit).toContain('13:00');
    expect(otp.countFor('01024681357')).toBe(5);
    // and the first customer cannot get one either
    expect(texts(await customer.say('재전송'))[0]).toBe(hourlyLimit);
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
      for (const left of [4, 3, 2, 1]) expect(texts(await customer.say(wrongCode()))[0]).toBe(says('identity.codeWrong', { left }));
      before.redis.disconnect();

      after = await start();
      customer = new Customer(after.adapter);
      await customer.join();
      expect(await upToTheCode()).toEqual([expect.stringContaining(promptOf('identity.resendTooSoon'))]);
      now += 30_000;
      expect(texts(await customer.say('재전송'))[0]).toBe(codeSent());
      expect(texts(await customer.say(wrongCode()))[0]).toContain(promptOf('identity.locked'));
    } finally {
      before.redis.disconnect();
      after?.redis.disconnect();
    }
  });
});
