import { CapturingOtpSender } from '../../src/identity/sandboxIdentityProvider';
import { Customer, lastChoices, texts } from '../support/customer';
import { CUSTOMER, registerOtherBankCertificate, verifyIdentity, verifyWithAdditionalCode } from '../support/journeys';
import { says, saysInEnglish, saysPattern, titlesOf } from '../support/replyTexts';
import { createTestBot, joinedCustomer } from '../support/testBot';

let otp: CapturingOtpSender;
let customer: Customer;

beforeEach(async () => {
  ({ otp, customer } = await joinedCustomer());
});

const ACTIONS = ['registration.choices.add', 'registration.choices.manage'];
const expiryIn = (card: string) =>
  saysPattern('registration.registered', {}, ['ca', 'kind', 'notAfter', 'registeredAt']).exec(card)?.groups?.notAfter ??
  'no expiry on the card';
/** The sandbox's other bank issues KICA's personal general-use certificates. */
const kica = (language: 'ko' | 'en' = 'ko') => ({
  ca: says('certificates.cas.KICA', {}, language),
  kind: says('certificates.kinds.personalGeneral', {}, language),
});

test('해제: the registered certificates are listed, one is released after a confirmation, and the list is then empty', async () => {
  const card = texts(await registerOtherBankCertificate(customer, otp))[0] ?? '';
  const notAfter = expiryIn(card);
  const action = await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  expect(lastChoices(action)).toEqual(titlesOf(ACTIONS));
  const list = await customer.say(says('registration.choices.manage'));
  expect(list[0]?.text).toBe(says('release.pick'));
  expect(lastChoices(list)).toEqual([says('certificates.choice', { ...kica(), notAfter })]);
  const confirm = await customer.say('1');
  expect(confirm[0]?.text).toBe(says('release.confirm', { ...kica(), notAfter }));
  expect(lastChoices(confirm)).toEqual(titlesOf(['yesNo.yes', 'yesNo.no']));
  expect((await customer.say('네'))[0]?.text).toBe(says('release.done'));
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  const none = await customer.say('2');
  expect(none[0]?.text).toBe(says('release.none'));
  expect(lastChoices(none)).toContain(says('menu.choices.register'));
});

test('declining the confirmation keeps the certificate registered', async () => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  await customer.say('등록된 인증서 해제');
  await customer.say('1');
  expect((await customer.say('아니요'))[0]?.text).toBe(says('release.kept'));
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  expect(lastChoices(await customer.say('등록된 인증서 해제'))).toHaveLength(1);
});

test('a choice that is not on the list asks again', async () => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  await customer.say('등록된 인증서 해제');
  const again = await customer.say('7');
  expect(again[0]?.text).toBe(says('release.pick'));
});

test.each([
  ['the choice of action', []],
  ['the list', ['등록된 인증서 해제']],
  ['the confirmation', ['등록된 인증서 해제', '1']],
])('취소 at %s releases nothing', async (_step, inputs) => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  for (const input of inputs) await customer.say(input);
  expect((await customer.say('취소'))[0]?.text).toBe(says('cancel.done'));
  await verifyWithAdditionalCode(customer, otp, '타기관 인증서 등록·해제');
  expect(lastChoices(await customer.say('등록된 인증서 해제'))).toHaveLength(1);
});

test('a registered certificate of another institution is reissued where it was issued, not here', async () => {
  await registerOtherBankCertificate(customer, otp);
  await verifyWithAdditionalCode(customer, otp, '재발급');
  const replies = await customer.say('1');
  expect(replies[0]?.text).toBe(says('reissue.otherInstitution', { ca: says('certificates.cas.KICA') }));
});

test('in English', async () => {
  await registerOtherBankCertificate(customer, otp);
  await customer.say('English');
  await verifyWithAdditionalCode(customer, otp, "Register / release another institution's certificate");
  const list = await customer.say(saysInEnglish('registration.choices.manage'));
  expect(lastChoices(list)[0]).toMatch(saysPattern('certificates.choice', kica('en'), ['notAfter'], 'en'));
  expect((await customer.say('1'))[0]?.text).toMatch(saysPattern('release.confirm', kica('en'), ['notAfter'], 'en'));
  expect((await customer.say('yes'))[0]?.text).toBe(saysInEnglish('release.done'));
});

describe('추가 인증 (전자금융사기 예방서비스)', () => {
  test('registration and reissue ask for a second code after 본인 인증; issuance does not', async () => {
    const verified = await verifyIdentity(customer, otp, '재발급');
    expect(texts(verified)).toEqual([
      says('identity.verified'),
      says('codes.additional.intro'),
      says('codes.additional.sent', { phone: '010-****-1357' }),
      says('identity.codeHint'),
    ]);
    await customer.say('취소');
    const issuance = await verifyIdentity(customer, otp, '인증서 발급');
    expect(texts(issuance)).not.toContain(says('codes.additional.intro'));
  });

  test('a wrong second code is refused with the attempts left, and it can be resent', async () => {
    let now = Date.now();
    customer = new Customer(await createTestBot({ otpSender: otp, clock: () => now }));
    await customer.join();
    await verifyIdentity(customer, otp, '타기관 인증서 등록');
    expect((await customer.say('000000'))[0]?.text).toBe(says('identity.codeWrong', { left: 4 }));
    const first = otp.lastCodeFor(CUSTOMER.phoneDigits);
    now += 60_000;
    expect(texts(await customer.say('인증번호 재전송'))).toContain(says('codes.additional.sent', { phone: '010-****-1357' }));
    expect(otp.lastCodeFor(CUSTOMER.phoneDigits)).not.toBe(first);
    expect(lastChoices(await customer.say(otp.lastCodeFor(CUSTOMER.phoneDigits) ?? ''))).toEqual(titlesOf(ACTIONS));
  });
});
