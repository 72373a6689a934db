import type { SecureStepKind } from '../../dialogs/contract/secure';
import { Customer, lastChoices, SeenReply, texts } from '../support/customer';
import { appCustomer, verifiedCustomer, verifyIdentity } from '../support/journeys';
import { opensPage, says, saysInEnglish, titlesOf } from '../support/replyTexts';
import type { FakeSecurePages } from '../support/securePagesFake';
import { joinedCustomer } from '../support/testBot';

let customer: Customer;
let pages: FakeSecurePages;

beforeEach(async () => {
  ({ customer, pages } = await joinedCustomer());
});

const REOPEN = () => titlesOf(['secureStep.reopen']);

/** The chat offers the page of `kind` (its text with the link, and the choice to open it again), as the bot last opened it. */
function expectPageOffered(replies: readonly SeenReply[], kind: SecureStepKind, language: 'ko' | 'en' = 'ko'): string {
  const { step, url } = pages.last();
  expect(step.kind).toBe(kind);
  expect(texts(replies).at(-1)).toBe(opensPage(kind, url, language));
  expect(lastChoices(replies)).toEqual(titlesOf(['secureStep.reopen'], language));
  return url;
}

describe('본인 인증 happens on the secure page, not in the chat', () => {
  test('the chat shows the link to the page and waits; once the page verifies the customer the journey goes on by itself', async () => {
    const offered = await customer.say('인증서 발급');
    expectPageOffered(offered, 'identity');
    expect(pages.last().customer).toBeUndefined();
    // nothing the customer types in the chat verifies them or moves the journey on; the page they may have open stays valid
    for (const typed of ['잠깐만요', '네']) {
      const waiting = await customer.say(typed);
      expect(texts(waiting)).toEqual([says('secureStep.stillOnPage')]);
      expect(lastChoices(waiting)).toEqual(REOPEN());
    }
    expect(pages.opened).toHaveLength(1);
    const verified = await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
    expect(texts(verified)[0]).toBe(says('identity.verified'));
    expectPageOffered(verified, 'additional');
  });

  test('the page is offered again, with a new link, when the customer asks for it', async () => {
    const first = expectPageOffered(await customer.say('인증서 발급'), 'identity');
    const again = await customer.say(REOPEN()[0] ?? '');
    const second = expectPageOffered(again, 'identity');
    expect(second).not.toBe(first);
    expect(texts(again)).toEqual([opensPage('identity', second)]);
  });

  test('cancelled on the page: the customer is told so, back at the same step with a new link', async () => {
    const first = expectPageOffered(await customer.say('인증서 발급'), 'identity');
    const back = await customer.finishStep({ type: 'SECURE_CANCELLED', step: 'identity' });
    expect(texts(back)[0]).toBe(says('secureStep.cancelled'));
    expect(expectPageOffered(back, 'identity')).not.toBe(first);
    expect(pages.last().step.journey).toBe('issuing');
    // and the new page completes the journey's step as the first would have
    expect(texts(await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) }))[0]).toBe(
      says('identity.verified'),
    );
  });

  test('a link left to expire: the customer is told so and gets a new one, at the same step', async () => {
    const first = expectPageOffered(await customer.say('재발급'), 'identity');
    const back = await customer.finishStep({ type: 'SECURE_EXPIRED', step: 'identity' });
    expect(texts(back)[0]).toBe(says('secureStep.expired'));
    expect(expectPageOffered(back, 'identity')).not.toBe(first);
    expect(pages.last().step.journey).toBe('reissuing');
  });

  test('취소 in the chat while the page is open ends the journey; the page finishing afterwards changes nothing', async () => {
    await customer.say('인증서 발급');
    const cancelled = await customer.say('취소');
    expect(texts(cancelled)[0]).toBe(says('cancel.done'));
    expect(lastChoices(cancelled)).toContain(says('menu.choices.issue'));
    expect(await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) })).toEqual([]);
    // a new issuance verifies again
    expectPageOffered(await customer.say('인증서 발급'), 'identity');
  });

  test('a verified identity is not kept past the journey: the next one asks for 본인 인증 again', async () => {
    await verifyIdentity(customer, '인증서 발급');
    await customer.say('취소');
    expectPageOffered(await customer.say('재발급'), 'identity');
  });

  test('messages in the chat while the page is open point to the page; the third in a row offers an agent', async () => {
    await customer.say('인증서 발급');
    expect(texts(await customer.say('어떻게 하죠?'))).toEqual([says('secureStep.stillOnPage')]);
    await customer.say('글쎄요');
    const offer = await customer.say('음');
    expect(texts(offer)).toEqual([says('misunderstood.offerAgent')]);
    expect(texts(await customer.say('네'))[0]).toBe(says('handoff.queued', { position: 1 }));
  });

  // The page's step ends locked (docs/secure-step.md: `{locked, until}` → SECURE_FAILED verificationLocked).
  test('too many wrong codes on the page: the chat says so and offers an agent', async () => {
    await customer.say('인증서 발급');
    const locked = await customer.finishStep({ type: 'SECURE_FAILED', step: 'identity', reason: 'verificationLocked' });
    expect(texts(locked)).toEqual([says('secureStep.failed.verificationLocked'), says('identity.offerAgent')]);
  });

  test('in English', async () => {
    await customer.say('English');
    expectPageOffered(await customer.say('Issue a certificate'), 'identity', 'en');
    const back = await customer.finishStep({ type: 'SECURE_EXPIRED', step: 'identity' });
    expect(texts(back)[0]).toBe(saysInEnglish('secureStep.expired'));
    expectPageOffered(back, 'identity', 'en');
    const verified = await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
    expect(texts(verified)[0]).toBe(saysInEnglish('identity.verified'));
    expectPageOffered(verified, 'additional', 'en');
  });
});

describe('추가 인증 (전자금융사기 예방서비스), on the page too', () => {
  test('타기관 인증서 등록: after 본인 인증 the page for the code to the phone on file, for the verified customer', async () => {
    await customer.say('타기관 인증서 등록');
    const verified = await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
    expect(texts(verified)[0]).toBe(says('identity.verified'));
    expectPageOffered(verified, 'additional');
    expect(pages.last().step).toEqual({ kind: 'additional', journey: 'registering' });
    // the page needs the phone on file: the bot hands it the verified customer (masked and sealed values only)
    expect(pages.last().customer).toMatchObject({ customerId: verifiedCustomer(customer).customerId, maskedPhone: '010-****-1357' });
    const done = await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
    expect(texts(done)).toEqual([says('codes.additional.done'), says('registration.chooseAction')]);
  });

  test('a code that did not arrive: the page offered again with a new link; cancelled there, back at 추가 인증', async () => {
    await verifyIdentity(customer, '타기관 인증서 등록');
    const first = pages.last().url;
    expect(texts(await customer.say('인증번호가 안 와요'))).toEqual([says('secureStep.stillOnPage')]);
    expect(expectPageOffered(await customer.say(says('secureStep.reopen')), 'additional')).not.toBe(first);
    const back = await customer.finishStep({ type: 'SECURE_CANCELLED', step: 'additional' });
    expect(texts(back)[0]).toBe(says('secureStep.cancelled'));
    expectPageOffered(back, 'additional');
  });

  test('locked on the page: the chat says so and offers an agent', async () => {
    await verifyIdentity(customer, '타기관 인증서 등록');
    const locked = await customer.finishStep({ type: 'SECURE_FAILED', step: 'additional', reason: 'verificationLocked' });
    expect(texts(locked)).toEqual([says('secureStep.failed.verificationLocked'), says('identity.offerAgent')]);
  });
});

describe('in the bank’s app, where the customer is signed in', () => {
  let app: Awaited<ReturnType<typeof appCustomer>>;
  beforeEach(async () => {
    app = await appCustomer();
    customer = app.customer;
    pages = app.pages;
  });

  // Issue I: in the app 본인 인증 is skipped, but 추가 인증 is still asked before issuance, reissue and registration.
  test('issuance opens no identity page, but asks for 추가 인증 on the page before the terms', async () => {
    expectPageOffered(await customer.say('인증서 발급'), 'additional');
    expect(pages.opened.map((opened) => opened.step)).toEqual([{ kind: 'additional', journey: 'issuing' }]);
    expect(texts(await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' }))).toEqual([
      says('codes.additional.done'),
      says('issuance.terms'),
    ]);
  });

  test('타기관 인증서 등록 still asks for 추가 인증 on the page, for the customer the app passed', async () => {
    expectPageOffered(await customer.say('타기관 인증서 등록'), 'additional');
    expect(pages.opened.map((opened) => opened.step)).toEqual([{ kind: 'additional', journey: 'registering' }]);
    expect(pages.last().customer?.customerId).toBe(verifiedCustomer(customer).customerId);
  });

  test('재발급 opens no identity page: the customer’s certificates are looked up at once', async () => {
    expect(texts(await customer.say('재발급'))[0]).toBe(says('reissue.none'));
    expect(pages.opened).toEqual([]);
  });

  test('the app’s customer holds for every journey of the conversation', async () => {
    await customer.say('타기관 인증서 등록');
    await customer.say('취소');
    expect(texts(await customer.say('재발급'))[0]).toBe(says('reissue.none'));
    expect(pages.opened.map((opened) => opened.step.kind)).toEqual(['additional']);
  });
});
