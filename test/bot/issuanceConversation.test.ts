import { Customer, lastChoices, SeenReply, texts } from '../support/customer';
import { appCustomer, issueOnPage, verifiedCustomer, verifyWithAdditionalCode } from '../support/journeys';
import { opensPage, says, saysInEnglish, titlesOf } from '../support/replyTexts';
import type { FakeSecurePages } from '../support/securePagesFake';
import { joinedCustomer } from '../support/testBot';

const TYPES = ['issuance.types.personalBanking', 'issuance.types.personalGeneral'];
let customer: Customer;
let pages: FakeSecurePages;

beforeEach(async () => {
  ({ customer, pages } = await joinedCustomer());
});

/** 본인 인증 and 추가 인증 on their pages, the terms and the type: up to the page where the device makes the certificate. */
async function upToTheIssuancePage(type = 'issuance.types.personalBanking'): Promise<SeenReply[]> {
  const terms = await verifyWithAdditionalCode(customer, '인증서 발급');
  expect(texts(terms)).toEqual([says('codes.additional.done'), says('issuance.terms')]);
  expect(lastChoices(terms)).toEqual(titlesOf(['issuance.agree', 'yesNo.no']));
  const types = await customer.say(says('issuance.agree'));
  expect(lastChoices(types)).toEqual(titlesOf(TYPES));
  return customer.say(says(type));
}

/** The first line of a certificate card (issued, reissued, renewed), the facts under it. */
const titleOf = (card: string | undefined): string | undefined => card?.split('\n')[0];

test('발급: the page where the device makes the certificate, for the verified customer; once it is saved, the card and the advice', async () => {
  const offered = await upToTheIssuancePage();
  const { step, url, customer: known } = pages.last();
  expect(texts(offered)).toEqual([opensPage('issuance', url)]);
  expect(lastChoices(offered)).toEqual(titlesOf(['secureStep.reopen']));
  expect(step).toEqual({ kind: 'issuance', journey: 'issuing', certificateType: 'personalBanking' });
  // the page registers this customer with the CA: the bot hands it who was verified, masked and sealed
  expect(known).toMatchObject({ customerId: verifiedCustomer(customer).customerId, maskedRrn: '900101-1******' });

  const { issued, replies } = await issueOnPage(customer);
  const done = texts(replies);
  expect(titleOf(done[0])).toBe(titleOf(says('issuance.issued')));
  for (const fact of [
    says('certificates.cas.yessign'),
    says('issuance.types.personalBanking'),
    issued.serialNumber,
    issued.notAfter,
    '홍*동',
  ])
    expect(done[0]).toContain(fact);
  expect(done.slice(1)).toEqual([says('issuance.savedOnDevice'), says('issuance.advice'), says('menu.prompt')]);
  expect(lastChoices(replies)).toContain(says('menu.choices.reissue'));
  // no link to download anything, and no password, ever went through the chat
  expect(JSON.stringify(replies)).not.toMatch(/download|비밀번호를 입력/);
});

test('범용: the fee is said before the page, and the page is for a 범용 certificate', async () => {
  const offered = await upToTheIssuancePage('issuance.types.personalGeneral');
  expect(texts(offered)).toEqual([says('issuance.feeNotice'), opensPage('issuance', pages.last().url)]);
  expect(pages.last().step.certificateType).toBe('personalGeneral');
  const { replies } = await issueOnPage(customer, { type: 'personalGeneral' });
  expect(texts(replies)[0]).toContain(says('issuance.types.personalGeneral'));
});

test('while the page is open the chat waits: what the customer types points to the page, which stays valid', async () => {
  await upToTheIssuancePage();
  const opened = pages.opened.length;
  const waiting = await customer.say('다 했어요');
  expect(texts(waiting)).toEqual([says('secureStep.stillOnPage')]);
  expect(lastChoices(waiting)).toEqual(titlesOf(['secureStep.reopen']));
  expect(pages.opened).toHaveLength(opened);
  // a customer who closed the page asks for it again: a new link, for the same certificate
  const again = await customer.say(says('secureStep.reopen'));
  expect(texts(again)).toEqual([opensPage('issuance', pages.last().url)]);
  expect(pages.last().step).toEqual({ kind: 'issuance', journey: 'issuing', certificateType: 'personalBanking' });
});

test('the CA refusing the request: the customer is told why, with the menu (and an agent) to go on', async () => {
  await upToTheIssuancePage();
  const refused = await customer.finishStep({ type: 'SECURE_FAILED', step: 'issuance', reason: 'caRefused' });
  expect(texts(refused)).toEqual([says('secureStep.failed.caRefused'), says('menu.prompt')]);
  expect(lastChoices(refused)).toEqual(expect.arrayContaining([says('menu.choices.issue'), says('menu.choices.agent')]));
});

test.each([
  ['SECURE_CANCELLED', 'secureStep.cancelled'],
  ['SECURE_EXPIRED', 'secureStep.expired'],
] as const)('%s on the issuance page: told so, and a new page for the same certificate', async (type, key) => {
  await upToTheIssuancePage('issuance.types.personalGeneral');
  const first = pages.last().url;
  const back = await customer.finishStep({ type, step: 'issuance' });
  expect(texts(back)).toEqual([says(key), opensPage('issuance', pages.last().url)]);
  expect(pages.last().url).not.toBe(first);
  expect(pages.last().step).toEqual({ kind: 'issuance', journey: 'issuing', certificateType: 'personalGeneral' });
  // and the new page issues as the first would have
  expect(titleOf(texts((await issueOnPage(customer, { type: 'personalGeneral' })).replies)[0])).toBe(titleOf(says('issuance.issued')));
});

test('declining the terms ends the journey politely', async () => {
  await verifyWithAdditionalCode(customer, '인증서 발급');
  const declined = await customer.say('아니요');
  expect(declined[0]?.text).toBe(says('issuance.termsDeclined'));
  expect(lastChoices(declined)).toContain(says('menu.choices.issue'));
});

test('in English', async () => {
  await customer.say('English');
  await verifyWithAdditionalCode(customer, 'Issue a certificate');
  await customer.say(saysInEnglish('issuance.agree'));
  const offered = await customer.say(saysInEnglish('issuance.types.personalGeneral'));
  expect(texts(offered)).toEqual([saysInEnglish('issuance.feeNotice'), opensPage('issuance', pages.last().url, 'en')]);
  const done = texts((await issueOnPage(customer, { type: 'personalGeneral' })).replies);
  expect(titleOf(done[0])).toBe(titleOf(saysInEnglish('issuance.issued')));
  expect(done[0]).toContain(saysInEnglish('issuance.types.personalGeneral'));
  expect(done[1]).toBe(saysInEnglish('issuance.savedOnDevice'));
});

test('in the bank’s app: no identity page, 추가 인증, and the certificate made for the customer the app passed', async () => {
  ({ customer, pages } = await appCustomer());
  await customer.say('인증서 발급');
  await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  await customer.say('동의합니다');
  await customer.say(says('issuance.types.personalBanking'));
  expect(pages.opened.map((opened) => opened.step.kind)).toEqual(['additional', 'issuance']);
  expect(pages.last().customer?.customerId).toBe(verifiedCustomer(customer).customerId);
  expect(titleOf(texts((await issueOnPage(customer)).replies)[0])).toBe(titleOf(says('issuance.issued')));
});

describe('an idle journey', () => {
  /** A customer verified and at the terms, on a clock the test moves. */
  async function idleCustomer(): Promise<{ idle: Customer; wait: (ms: number) => void }> {
    let now = Date.UTC(2026, 10, 26, 3, 0, 0);
    const { customer: idle } = await joinedCustomer({ clock: () => now });
    await verifyWithAdditionalCode(idle, '인증서 발급');
    return { idle, wait: (ms) => void (now += ms) };
  }

  test('a customer back after the idle limit is told the journey expired, and starts safely from the menu', async () => {
    const { idle, wait } = await idleCustomer();
    wait(10 * 60_000 + 1);
    const replies = texts(await idle.say('동의합니다'));
    expect(replies[0]).toBe(says('flow.expired'));
    expect(replies).not.toContain(says('issuance.chooseType'));
  });

  test('within the limit the journey goes on', async () => {
    const { idle, wait } = await idleCustomer();
    wait(9 * 60_000);
    expect(texts(await idle.say('동의합니다'))[0]).toBe(says('issuance.chooseType'));
  });
});

test('a customer who already has a valid certificate of that type is offered reissue instead, and no page opens', async () => {
  await upToTheIssuancePage();
  const { issued } = await issueOnPage(customer);
  await verifyWithAdditionalCode(customer, '인증서 발급');
  await customer.say('동의합니다');
  const opened = pages.opened.length;
  const replies = await customer.say(says('issuance.types.personalBanking'));
  expect(replies[0]?.text).toBe(says('issuance.alreadyHave', { notAfter: issued.notAfter }));
  expect(lastChoices(replies)).toContain(says('menu.choices.reissue'));
  expect(pages.opened).toHaveLength(opened);
  // another type is fine
  await verifyWithAdditionalCode(customer, '인증서 발급');
  await customer.say('동의합니다');
  expect(texts(await customer.say(says('issuance.types.personalGeneral')))).toEqual([
    says('issuance.feeNotice'),
    opensPage('issuance', pages.last().url),
  ]);
});

test.each([
  ['the terms', []],
  ['the type', ['동의합니다']],
  ['the issuance page', ['동의합니다', '범용 (4,400원)']],
])('취소 at %s returns to the menu, and a new issuance starts from 본인 인증', async (_step, inputs) => {
  await verifyWithAdditionalCode(customer, '인증서 발급');
  for (const input of inputs) await customer.say(input);
  const cancelled = await customer.say('취소');
  expect(cancelled[0]?.text).toBe(says('cancel.done'));
  expect(lastChoices(cancelled)).toContain(says('menu.choices.issue'));
  expect(texts(await customer.say('인증서 발급'))).toEqual([opensPage('identity', pages.last().url)]);
});

test('a page that completes after 취소 in the chat issues nothing into the conversation', async () => {
  await upToTheIssuancePage();
  await customer.say('취소');
  expect((await issueOnPage(customer)).replies).toEqual([]);
});

test('an answer a question cannot use asks it again; the third miss in a row offers an agent', async () => {
  await verifyWithAdditionalCode(customer, '인증서 발급');
  await customer.say('동의합니다');
  const again = await customer.say('파란색이요');
  expect(again[0]?.text).toBe(says('issuance.chooseType'));
  expect(lastChoices(again)).toEqual(titlesOf(TYPES));
  await customer.say('글쎄요');
  const offer = await customer.say('음');
  expect(texts(offer)).toContain(says('misunderstood.offerAgent'));
  expect(texts(await customer.say('네'))[0]).toBe(says('handoff.queued', { position: 1 }));
});

test('misses at one question are forgotten once it is answered', async () => {
  await verifyWithAdditionalCode(customer, '인증서 발급');
  await customer.say('글쎄요');
  await customer.say('음');
  const types = await customer.say('동의합니다');
  expect(lastChoices(types)).toEqual(titlesOf(TYPES));
  expect((await customer.say('파란색이요'))[0]?.text).toBe(says('issuance.chooseType'));
});
