import type { SecureFailure } from '../../dialogs/contract/secure';
import { MENU_CHOICES } from '../../dialogs/journeys';
import { Customer, lastChoices, texts } from '../support/customer';
import { appCustomer, registerOnPage, startRegistration, verifiedCustomer, verifyIdentity } from '../support/journeys';
import { opensPage, says, saysInEnglish, saysPattern, titlesOf } from '../support/replyTexts';
import type { FakeSecurePages } from '../support/securePagesFake';
import { joinedCustomer, testCertificateService } from '../support/testBot';

let customer: Customer;
let pages: FakeSecurePages;

beforeEach(async () => {
  ({ customer, pages } = await joinedCustomer());
});

/** The registration card in a language: its first line, then the CA and the kind of the sandbox's other bank. */
function expectRegisteredCard(card: string | undefined, say: (key: string) => string = says): void {
  expect(card?.split('\n')[0]).toBe(say('registration.registered').split('\n')[0]);
  expect(card).toContain(say('certificates.cas.KICA'));
  expect(card).toContain(say('certificates.kinds.personalGeneral'));
}

test('등록: 본인 인증 and 추가 인증 on their pages, the choice, then the page where the device proves the certificate; then the card', async () => {
  await customer.say('타기관 인증서 등록');
  expect(pages.last().step).toEqual({ kind: 'identity', journey: 'registering' });
  const additional = await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
  expect(texts(additional)).toEqual([says('identity.verified'), opensPage('additional', pages.last().url)]);
  const action = await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  expect(texts(action)).toEqual([says('codes.additional.done'), says('registration.chooseAction')]);
  expect(lastChoices(action)).toEqual(titlesOf(['registration.choices.add', 'registration.choices.manage']));

  const offered = await customer.say(says('registration.choices.add'));
  expect(texts(offered)).toEqual([opensPage('registration', pages.last().url)]);
  expect(lastChoices(offered)).toEqual(titlesOf(['secureStep.reopen']));
  expect(pages.last().step).toEqual({ kind: 'registration', journey: 'registering' });
  // the page checks the VID against the verified customer: the bot hands it who that is (masked and sealed values)
  expect(pages.last().customer?.customerId).toBe(verifiedCustomer(customer).customerId);

  const registered = await registerOnPage(customer);
  expectRegisteredCard(texts(registered)[0]);
  expect(texts(registered)[0]).toMatch(saysPattern('registration.registered', {}, ['ca', 'kind', 'notAfter', 'registeredAt']));
  expect(lastChoices(registered)).toEqual(titlesOf(MENU_CHOICES));
  // and it is now on record for the customer
  const onRecord = await (await testCertificateService()).list(verifiedCustomer(customer).customerId);
  expect(onRecord.map((c) => [c.origin, c.status])).toEqual([['registered', 'active']]);
});

describe('a certificate the page could not register: its own explanation and a way forward', () => {
  test.each<[SecureFailure, string]>([
    ['expired', 'menu.choices.issue'],
    ['notYetValid', 'menu.choices.agent'],
    ['revoked', 'menu.choices.issue'],
    ['corporate', 'menu.choices.agent'],
    ['untrusted', 'menu.choices.agent'],
  ])('%s: the explanation, then the menu (%s among the ways on)', async (reason, wayOn) => {
    await startRegistration(customer);
    const failed = await customer.finishStep({ type: 'SECURE_FAILED', step: 'registration', reason });
    expect(texts(failed)).toEqual([says(`secureStep.failed.${reason}`), says('menu.prompt')]);
    expect(lastChoices(failed)).toContain(says(wayOn));
  });

  test.each<SecureFailure>(['noRandom', 'unsupported'])(
    '%s: the explanation, and the page again at once for other files (no 본인 인증 again)',
    async (reason) => {
      await startRegistration(customer);
      const first = pages.last();
      const failed = await customer.finishStep({ type: 'SECURE_FAILED', step: 'registration', reason });
      expect(pages.last()).not.toBe(first);
      expect(texts(failed)).toEqual([says(`secureStep.failed.${reason}`), opensPage('registration', pages.last().url)]);
    },
  );

  test('noRandom says to send the NPKI folder instead, not that the certificate is someone else’s', () => {
    expect(says('secureStep.failed.noRandom')).toContain('NPKI');
    expect(says('secureStep.failed.noRandom')).not.toBe(says('secureStep.failed.notYours'));
  });

  test('notYours: said, and an agent offered, since someone else’s certificate needs a person to look at it', async () => {
    await startRegistration(customer);
    const failed = await customer.finishStep({ type: 'SECURE_FAILED', step: 'registration', reason: 'notYours' });
    expect(texts(failed)).toEqual([says('secureStep.failed.notYours'), says('identity.offerAgent')]);
    expect(lastChoices(failed)).toEqual(titlesOf(['yesNo.yes', 'yesNo.no']));
    expect(texts(await customer.say('네'))[0]).toBe(says('handoff.queued', { position: 1 }));
  });

  test('five wrong passwords on the page lock registration for now, and an agent is offered', async () => {
    await startRegistration(customer);
    const locked = await customer.finishStep({ type: 'SECURE_FAILED', step: 'registration', reason: 'passwordLocked' });
    expect(texts(locked)).toEqual([says('registration.passwordLocked'), says('identity.offerAgent')]);
    expect(lastChoices(await customer.say('아니요'))).toEqual(titlesOf(MENU_CHOICES));
  });

  test('each reason has a text of its own, in both languages', () => {
    const reasons: SecureFailure[] = ['expired', 'notYetValid', 'revoked', 'notYours', 'corporate', 'untrusted', 'unsupported', 'noRandom'];
    for (const say of [says, saysInEnglish])
      expect(new Set(reasons.map((reason) => say(`secureStep.failed.${reason}`, {}))).size).toBe(reasons.length);
  });
});

test.each([
  ['SECURE_CANCELLED', 'secureStep.cancelled'],
  ['SECURE_EXPIRED', 'secureStep.expired'],
] as const)('%s on the registration page: told so, and a new page to register with', async (type, key) => {
  await startRegistration(customer);
  const first = pages.last().url;
  const back = await customer.finishStep({ type, step: 'registration' });
  expect(texts(back)).toEqual([says(key), opensPage('registration', pages.last().url)]);
  expect(pages.last().url).not.toBe(first);
  expectRegisteredCard(texts(await registerOnPage(customer))[0]);
});

test('the page offered again on request opens a new link for the same step', async () => {
  await startRegistration(customer);
  const first = pages.last().url;
  const again = await customer.say(says('secureStep.reopen'));
  expect(texts(again)).toEqual([opensPage('registration', pages.last().url)]);
  expect(pages.last().url).not.toBe(first);
  expect(pages.last().step.kind).toBe('registration');
});

test.each([
  ['the 추가 인증 page', 1],
  ['the choice', 2],
  ['the registration page', 3],
])('취소 at %s returns to the menu, and a new registration starts from 본인 인증', async (_step, taken) => {
  const steps = [
    () => verifyIdentity(customer, '타기관 인증서 등록'),
    () => customer.finishStep({ type: 'ADDITIONAL_VERIFIED' }),
    () => customer.say(says('registration.choices.add')),
  ];
  for (const step of steps.slice(0, taken)) await step();
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toBe(says('cancel.done'));
  expect(lastChoices(cancelled)).toContain(says('menu.choices.issue'));
  // the journey kept nothing: a new registration starts again with 본인 인증
  expect(texts(await customer.say('타기관 인증서 등록'))).toEqual([opensPage('identity', pages.last().url)]);
});

test('in English', async () => {
  await customer.say('English');
  const offered = await startRegistration(customer, 'en');
  expect(texts(offered)).toEqual([opensPage('registration', pages.last().url, 'en')]);
  const failed = await customer.finishStep({ type: 'SECURE_FAILED', step: 'registration', reason: 'noRandom' });
  expect(texts(failed)[0]).toBe(saysInEnglish('secureStep.failed.noRandom'));
  await startRegistration(customer, 'en');
  expectRegisteredCard(texts(await registerOnPage(customer))[0], (key) => saysInEnglish(key));
});

test('in the bank’s app: no identity page, 추가 인증 first, then the registration page for the customer the app passed', async () => {
  ({ customer, pages } = await appCustomer());
  await customer.say('타기관 인증서 등록');
  await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  await customer.say(says('registration.choices.add'));
  expect(pages.opened.map((opened) => opened.step.kind)).toEqual(['additional', 'registration']);
  expect(pages.last().customer?.customerId).toBe(verifiedCustomer(customer).customerId);
  expectRegisteredCard(texts(await registerOnPage(customer))[0]);
});
