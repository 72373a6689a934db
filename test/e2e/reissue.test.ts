import type { Browser } from 'playwright-core';
import { shownIn } from '../directLine/directLineJourney';
import { launchChromium } from '../support/browser';
import { promptOf } from '../support/httpJourneys';
import {
  acceptConsents,
  ChatCustomer,
  choiceOf,
  type E2eApp,
  issueThroughChat,
  keepNewCertificate,
  openPage,
  revokedSerials,
  serialOnCard,
  startE2eApp,
  verifyUntil,
  verifyUntilPage,
} from '../support/secureE2e';

// 재발급 end to end: a certificate issued on the secure page, then replaced through the chat and the
// pages (본인 인증, 추가 인증, the issuance page); the old one is in the bank CA's CRL afterwards.
let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test('재발급 for a lost certificate: pick it, give the reason, confirm, 추가 인증, a new key on the page; the old one is in the CRL', async () => {
  const customer = await ChatCustomer.connect(app.url);
  const { page } = await openPage(browser);
  const old = await issueThroughChat(customer, page);
  const validity = (card: string) => /유효기간: [\d-]+ ~ ([\d-]+)/.exec(card)?.[1];
  await customer.waitForText('menu.prompt');

  await customer.say(promptOf('menu.choices.reissue'));
  const { reached: list } = await verifyUntil(customer, page, 'reissue.pick');
  await customer.say(choiceOf(list, /금융결제원\(yessign\)/));
  await customer.waitForText('reissue.askReason');
  await customer.say(promptOf('reissue.reasons.lost'));
  const confirm = shownIn(await customer.waitForText('reissue.confirmRevocation'));
  expect(confirm).toContain(`일련번호 ${old.serialNumber}`);
  await customer.say(promptOf('yesNo.yes'));

  // 추가 인증 before anything is made, then the issuance page.
  const { steps, url } = await verifyUntilPage(customer, page, 'issuance');
  expect(steps).toEqual(['additional']);
  await page.goto(url);
  await acceptConsents(page);
  await keepNewCertificate(page, { downloads: true });
  await page.getByText('인증서를 발급받아 저장했어요.').waitFor({ timeout: 60_000 });

  const done = shownIn(await customer.waitForText('reissue.oldRevoked'));
  expect(done).toContain('인증서를 재발급했어요.');
  const renewed = serialOnCard(done);
  expect(renewed).not.toBe(old.serialNumber);
  // A reissue keeps the old certificate's expiry.
  expect(validity(done)).toBe(validity(old.card));

  // The CA's CRL, as anyone fetches it, lists the old serial (superseded) and not the new one.
  const revoked = await revokedSerials(app.url, 'bank');
  expect(revoked.get(old.serialNumber)).toContain('Superseded');
  expect(revoked.has(renewed)).toBe(false);
  customer.end();
  await page.context().close();
}, 120_000);
