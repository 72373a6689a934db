import type { TestAdapter } from 'botbuilder';
import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { createTestBot } from '../support/testBot';

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

/** Goes through 본인 인증 up to the code, and returns what the bot said on sending it. */
async function upToTheCode(): Promise<string[]> {
  expect(texts(await customer.say('인증서 발급'))[0]).toContain('이름을 입력해 주세요');
  expect(texts(await customer.say('홍길동'))[0]).toContain('주민등록번호 13자리');
  const rrnReply = texts(await customer.say(RRN));
  expect(rrnReply[0]).toBe('주민등록번호 900101-1******을 확인했어요.');
  expect(rrnReply[1]).toContain('통신사');
  expect(texts(await customer.say('SKT'))[0]).toContain('휴대폰 번호');
  return texts(await customer.say(PHONE));
}

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
