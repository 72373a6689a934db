import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { CUSTOMER, registerOtherBankCertificate, verifyIdentity, verifyWithAdditionalCode } from '../support/journeys';
import { createTestBot, joinedCustomer } from '../support/testBot';

let otp: CapturingOtpSender;
let customer: Customer;

beforeEach(async () => {
  ({ otp, customer } = await joinedCustomer());
});

const expiryIn = (card: string) => /만료일: (\d{4}-\d{2}-\d{2})/.exec(card)?.[1] ?? 'no expiry on the card';

test('해제: the registered certificates are listed, one is released after a confirmation, and the list is then empty', async () => {
  const card = texts(await registerOtherBankCertificate(customer, otp))[0] ?? '';
  const notAfter = expiryIn(card);
  const action = await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  expect(lastChoices(action)).toEqual(['인증서 등록하기', '등록된 인증서 해제']);
  const list = await customer.say('등록된 인증서 해제');
  expect(list[0]?.text).toContain('해제할 인증서를 골라 주세요');
  expect(lastChoices(list)).toEqual([`한국정보인증(KICA) 개인 범용 (만료일 ${notAfter})`]);
  const confirm = await customer.say('1');
  expect(confirm[0]?.text).toContain(`한국정보인증(KICA) 개인 범용 인증서(만료일 ${notAfter})의 등록을 해제할까요?`);
  expect(lastChoices(confirm)).toEqual(['네', '아니요']);
  expect((await customer.say('네'))[0]?.text).toContain('등록을 해제했어요');
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  const none = await customer.say('2');
  expect(none[0]?.text).toContain('등록된 다른 기관 인증서가 없어요');
  expect(lastChoices(none)).toContain('타기관 인증서 등록·해제');
});

test('declining the confirmation keeps the certificate registered', async () => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  await customer.say('등록된 인증서 해제');
  await customer.say('1');
  expect((await customer.say('아니요'))[0]?.text).toContain('그대로 등록되어 있어요');
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  expect(lastChoices(await customer.say('등록된 인증서 해제'))).toHaveLength(1);
});

test('a choice that is not on the list asks again', async () => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  await customer.say('등록된 인증서 해제');
  const again = await customer.say('7');
  expect(again[0]?.text).toContain('해제할 인증서를 골라 주세요');
});

test.each([
  ['the choice of action', []],
  ['the list', ['등록된 인증서 해제']],
  ['the confirmation', ['등록된 인증서 해제', '1']],
])('취소 at %s releases nothing', async (_step, inputs) => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  for (const input of inputs) await customer.say(input);
  expect((await customer.say('취소'))[0]?.text).toContain('취소했어요');
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  expect(lastChoices(await customer.say('등록된 인증서 해제'))).toHaveLength(1);
});

test('a registered certificate of another institution is reissued where it was issued, not here', async () => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '재발급');
  const replies = await customer.say('1');
  expect(replies[0]?.text).toContain('한국정보인증(KICA)에서 발급한 인증서는 발급받은 기관에서 재발급·갱신할 수 있어요');
});

test('in English', async () => {
  await registerOtherBankCertificate(customer, otp);
  await customer.say('English');
  await verifyWithAdditionalCode(customer, otp, "Register / release another institution's certificate");
  const list = await customer.say('Release a registered certificate');
  expect(lastChoices(list)[0]).toMatch(/^KICA personal, general use \(expires \d{4}-\d{2}-\d{2}\)$/);
  expect((await customer.say('1'))[0]?.text).toContain('stays valid at the institution that issued it');
  expect((await customer.say('yes'))[0]?.text).toContain('The certificate is released');
});

describe('추가 인증 (전자금융사기 예방서비스)', () => {
  test('registration and reissue ask for a second code after 본인 인증; issuance does not', async () => {
    const verified = await verifyIdentity(customer, otp, '재발급');
    expect(texts(verified).join('\n')).toMatch(/본인 인증이 완료되었어요[\s\S]*전자금융사기 예방서비스[\s\S]*추가 인증번호 6자리/);
    await customer.say('취소');
    const issuance = await verifyIdentity(customer, otp, '인증서 발급');
    expect(texts(issuance).join('\n')).not.toContain('추가 인증');
  });

  test('a wrong second code is refused with the attempts left, and it can be resent', async () => {
    let now = Date.now();
    customer = new Customer(await createTestBot({ otpSender: otp, clock: () => now }));
    await customer.join();
    await verifyIdentity(customer, otp, '타기관 인증서 등록');
    expect((await customer.say('000000'))[0]?.text).toContain('4번 더');
    const first = otp.lastCodeFor(CUSTOMER.phoneDigits);
    now += 60_000;
    expect(texts(await customer.say('인증번호 재전송')).join('\n')).toContain('추가 인증번호');
    expect(otp.lastCodeFor(CUSTOMER.phoneDigits)).not.toBe(first);
    expect(lastChoices(await customer.say(otp.lastCodeFor(CUSTOMER.phoneDigits) ?? ''))).toEqual(['인증서 등록하기', '등록된 인증서 해제']);
  });
});
