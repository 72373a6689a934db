import { Customer, lastChoices, texts } from '../support/customer';
import { appCustomer, registerOtherBankCertificate, verifyIdentity, verifyWithAdditionalCode } from '../support/journeys';
import { says, saysInEnglish, saysPattern, titlesOf } from '../support/replyTexts';
import { joinedCustomer } from '../support/testBot';

let customer: Customer;

beforeEach(async () => {
  ({ customer } = await joinedCustomer());
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
  const card = texts(await registerOtherBankCertificate(customer))[0] ?? '';
  const notAfter = expiryIn(card);
  const action = await verifyWithAdditionalCode(customer, '타기관 인증서 등록·해제');
  expect(lastChoices(action)).toEqual(titlesOf(ACTIONS));
  const list = await customer.say(says('registration.choices.manage'));
  expect(list[0]?.text).toBe(says('release.pick'));
  expect(lastChoices(list)).toEqual([says('certificates.choice', { ...kica(), notAfter })]);
  const confirm = await customer.say('1');
  expect(confirm[0]?.text).toBe(says('release.confirm', { ...kica(), notAfter }));
  expect(lastChoices(confirm)).toEqual(titlesOf(['yesNo.yes', 'yesNo.no']));
  expect((await customer.say('네'))[0]?.text).toBe(says('release.done'));
  await verifyWithAdditionalCode(customer, '타기관 인증서 등록·해제');
  const none = await customer.say('2');
  expect(none[0]?.text).toBe(says('release.none'));
  expect(lastChoices(none)).toContain(says('menu.choices.register'));
});

test('declining the confirmation keeps the certificate registered', async () => {
  await registerOtherBankCertificate(customer);
  await verifyWithAdditionalCode(customer, '타기관 인증서 등록·해제');
  await customer.say('등록된 인증서 해제');
  await customer.say('1');
  expect((await customer.say('아니요'))[0]?.text).toBe(says('release.kept'));
  await verifyWithAdditionalCode(customer, '타기관 인증서 등록·해제');
  expect(lastChoices(await customer.say('등록된 인증서 해제'))).toHaveLength(1);
});

test('a choice that is not on the list asks again', async () => {
  await registerOtherBankCertificate(customer);
  await verifyWithAdditionalCode(customer, '타기관 인증서 등록·해제');
  await customer.say('등록된 인증서 해제');
  const again = await customer.say('7');
  expect(again[0]?.text).toBe(says('release.pick'));
});

test.each([
  ['the choice of action', []],
  ['the list', ['등록된 인증서 해제']],
  ['the confirmation', ['등록된 인증서 해제', '1']],
])('취소 at %s releases nothing', async (_step, inputs) => {
  await registerOtherBankCertificate(customer);
  await verifyWithAdditionalCode(customer, '타기관 인증서 등록·해제');
  for (const input of inputs) await customer.say(input);
  expect((await customer.say('취소'))[0]?.text).toBe(says('cancel.done'));
  await verifyWithAdditionalCode(customer, '타기관 인증서 등록·해제');
  expect(lastChoices(await customer.say('등록된 인증서 해제'))).toHaveLength(1);
});

test('a registered certificate of another institution is reissued where it was issued, not here', async () => {
  await registerOtherBankCertificate(customer);
  await verifyIdentity(customer, '재발급');
  const replies = await customer.say('1');
  expect(replies[0]?.text).toBe(says('reissue.otherInstitution', { ca: says('certificates.cas.KICA') }));
});

test('in English', async () => {
  await registerOtherBankCertificate(customer);
  await customer.say('English');
  await verifyWithAdditionalCode(customer, "Register / release another institution's certificate");
  const list = await customer.say(saysInEnglish('registration.choices.manage'));
  expect(lastChoices(list)[0]).toMatch(saysPattern('certificates.choice', kica('en'), ['notAfter'], 'en'));
  expect((await customer.say('1'))[0]?.text).toMatch(saysPattern('release.confirm', kica('en'), ['notAfter'], 'en'));
  expect((await customer.say('yes'))[0]?.text).toBe(saysInEnglish('release.done'));
});

test('in the bank’s app: 추가 인증 on its page, then the list, with no identity page', async () => {
  const app = await appCustomer();
  customer = app.customer;
  await registerOtherBankCertificate(customer);
  await customer.say('타기관 인증서 등록·해제');
  expect(app.pages.last().step).toEqual({ kind: 'additional', journey: 'registering' });
  await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  expect(app.pages.opened.map((opened) => opened.step.kind)).not.toContain('identity');
  expect(lastChoices(await customer.say('등록된 인증서 해제'))).toHaveLength(1);
  expect((await customer.say('1'))[0]?.text).toMatch(saysPattern('release.confirm', kica(), ['notAfter']));
  expect((await customer.say('네'))[0]?.text).toBe(says('release.done'));
});
