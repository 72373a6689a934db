import type { Activity } from 'botbuilder';
import { Customer, lastChoices, SeenReply, texts } from '../support/customer';
import { CUSTOMER, OTHER_BANK_PASSWORD, startRegistration, verifiedCustomer, verifyWithAdditionalCode } from '../support/journeys';
import { opensPage, says, saysInEnglish, titlesOf } from '../support/replyTexts';
import type { FakeSecurePages } from '../support/securePagesFake';
import { joinedCustomer } from '../support/testBot';

// The chat carries no 주민등록번호, phone number, code, password or file: a customer who sends one anyway is not echoed,
// is sent to the secure page, and keeps their place in the journey.
let pages: FakeSecurePages;
let customer: Customer;

beforeEach(async () => {
  ({ pages, customer } = await joinedCustomer());
});

/** Everything the customer saw, buttons included, for checking that nothing they sent comes back. */
const shown = (replies: readonly SeenReply[]): string => JSON.stringify(replies);
const digitsOf = (text: string): string => text.replace(/\D/g, '');

describe('a 주민등록번호 or phone number typed at 본인 인증', () => {
  test.each([
    ['a 주민등록번호', CUSTOMER.rrn],
    ['a 주민등록번호 without the hyphen', CUSTOMER.rrn.replace('-', '')],
    ['a 주민등록번호 that is not a valid one', '901301-1234567'],
    ['a phone number', CUSTOMER.phone],
  ])('%s is not echoed: the customer is told to enter it on the page, which stays open (or is opened again)', async (_what, typed) => {
    await customer.say('인증서 발급');
    const replies = await customer.say(typed);
    expect(texts(replies)).toEqual([says('secureStep.notInChat')]);
    expect(lastChoices(replies)).toEqual(titlesOf(['secureStep.reopen']));
    expect(digitsOf(shown(replies))).not.toContain(digitsOf(typed).slice(-7));
    // the page the customer may have open is not ended by a new link
    expect(pages.opened.map((opened) => opened.step.kind)).toEqual(['identity']);
    expect(texts(await customer.say(says('secureStep.reopen')))).toEqual([opensPage('identity', pages.last().url)]);
  });

  test('the journey is not lost: the page completes it as before', async () => {
    await customer.say('인증서 발급');
    await customer.say(CUSTOMER.rrn);
    await customer.say(CUSTOMER.phone);
    const verified = await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
    expect(texts(verified)).toEqual([says('identity.verified'), opensPage('additional', pages.last().url)]);
  });

  test('at the menu too: not echoed, and nothing started', async () => {
    const replies = await customer.say(CUSTOMER.rrn);
    expect(texts(replies)).toEqual([says('secureStep.notInChat')]);
    expect(pages.opened).toEqual([]);
  });

  test('in English', async () => {
    await customer.say('English');
    await customer.say('Issue a certificate');
    const replies = await customer.say(CUSTOMER.phone);
    expect(texts(replies)).toEqual([saysInEnglish('secureStep.notInChat')]);
    expect(lastChoices(replies)).toEqual(titlesOf(['secureStep.reopen'], 'en'));
  });
});

describe('a certificate password typed in the chat', () => {
  test('at the issuance page: not echoed, the customer pointed to the page, and the issuance goes on there', async () => {
    await verifyWithAdditionalCode(customer, '인증서 발급');
    await customer.say('동의합니다');
    await customer.say(says('issuance.types.personalBanking'));
    const replies = await customer.say('Gildong#2026!');
    expect(shown(replies)).not.toContain('Gildong#2026!');
    expect(texts(replies)).toEqual([says('secureStep.passwordNotInChat')]);
    expect(lastChoices(replies)).toEqual(titlesOf(['secureStep.reopen']));
    expect(pages.last().step).toMatchObject({ kind: 'issuance', certificateType: 'personalBanking' });
  });

  test('at the registration page: not echoed, the customer pointed to the page', async () => {
    await startRegistration(customer);
    const replies = await customer.say('Gildong#2026!');
    expect(shown(replies)).not.toContain('Gildong#2026!');
    expect(texts(replies)).toEqual([says('secureStep.passwordNotInChat')]);
    expect(pages.last().step.kind).toBe('registration');
  });

  // Read before the recognizer: "Other#Bank2026" is not 타기관 등록, nor "Help#2096qz!" 도움말.
  test.each([OTHER_BANK_PASSWORD, 'Help#2096qz!'])(
    'a password that reads like a command (%s) is still a password: the journey stays at the page',
    async (password) => {
      await startRegistration(customer);
      const replies = await customer.say(password);
      expect(texts(replies)).toEqual([says('secureStep.passwordNotInChat')]);
      expect(pages.last().step.kind).toBe('registration');
    },
  );
});

describe('certificate files sent into the chat', () => {
  const files: Partial<Activity> = {
    type: 'message',
    attachments: [
      { name: 'signCert.der', contentType: 'application/octet-stream', contentUrl: 'https://files.example/signCert.der' },
      { name: 'signPri.key', contentType: 'application/octet-stream', contentUrl: 'https://files.example/signPri.key' },
    ],
  };

  test('at the registration page: the customer is told files are chosen on the page, which stays open', async () => {
    await startRegistration(customer);
    const opened = pages.opened.length;
    const replies = await customer.send(files);
    expect(texts(replies)).toEqual([says('secureStep.filesOnPage')]);
    expect(lastChoices(replies)).toEqual(titlesOf(['secureStep.reopen']));
    expect(pages.opened).toHaveLength(opened);
  });

  test('the registration still completes on the page', async () => {
    await startRegistration(customer);
    await customer.send(files);
    const registered = await customer.finishStep({
      type: 'CERTIFICATE_REGISTERED',
      registered: { ca: 'KICA', kind: 'personalGeneral', notAfter: '2027-12-03', registeredAt: '2026-12-03' },
    });
    expect(texts(registered)[0]?.split('\n')[0]).toBe(says('registration.registered').split('\n')[0]);
  });

  test('at the menu: the same explanation, and nothing started', async () => {
    expect(texts(await customer.send(files))).toEqual([says('secureStep.filesOnPage')]);
    expect(pages.opened).toEqual([]);
  });
});
