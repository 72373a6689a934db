import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import {
  acceptConsents,
  ChatCustomer,
  DESKTOP,
  type E2eApp,
  issuedCard,
  keepNewCertificate,
  openPage,
  PHONE,
  requestsText,
  startE2eApp,
  startIssuance,
} from '../support/secureE2e';

// A link opened in a messaging app's in-app browser (KakaoTalk, by its user agent): 본인 인증 works
// there, but it can keep no certificate, so the issuance page offers the bank's app (a deep link
// with a fresh ticket) or a one-time code to continue on a PC, where the certificate is made.
const KAKAOTALK =
  'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 KAKAOTALK 10.8.5';
/** The bank's app's deep link, configurable; an https one here, so the test can see where it leads. */
const APP_LINK = 'https://bank-app.example/open?ticket={ticket}';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp({ BANK_APP_LINK: APP_LINK }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test('in KakaoTalk’s browser the issuance page offers no issuance but a code for a PC; on the PC the code opens the step and the certificate is made there', async () => {
  const customer = await ChatCustomer.connect(app.url);
  const { page: phone, sent } = await openPage(browser, { ...PHONE, userAgent: KAKAOTALK });
  // 본인 인증 and 추가 인증 happen in the messenger's browser as anywhere.
  const { url } = await startIssuance(customer, phone);

  await phone.goto(url);
  await phone.getByRole('heading', { name: '여기서는 진행할 수 없어요' }).waitFor();
  await phone.getByText('메신저 앱 안의 브라우저에서는 인증서를 저장하거나 쓸 수 없어요').waitFor();
  expect(await phone.getByTestId('consents').locator('li').count()).toBe(0);
  await phone.getByRole('button', { name: 'PC에서 계속하기' }).click();
  const handover = phone.getByTestId('handover-code');
  await handover.waitFor();
  expect(await phone.locator('#handover-address').innerText()).toBe(`${app.url}/secure/continue`);
  const code = await phone.locator('#handover-value').innerText();
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
  // Nothing of issuance ran in the messenger's browser.
  expect(requestsText(sent)).not.toMatch(/issuance\/authorize|\/ca\/v1\//);

  // On the PC: the address and the code, then the same step, where the certificate is made and saved.
  const { page: pc } = await openPage(browser, DESKTOP);
  await pc.goto(`${app.url}/secure/continue`);
  await pc.getByLabel('코드').fill(`${code.slice(0, 4)}-${code.slice(4).toLowerCase()}`);
  await pc.getByRole('button', { name: '계속하기' }).click();
  await acceptConsents(pc);
  await keepNewCertificate(pc, { downloads: true });
  await pc.getByText('인증서를 발급받아 저장했어요.').waitFor({ timeout: 60_000 });
  const { card } = await issuedCard(customer);
  expect(card).toContain('인증서가 발급되었어요.');

  // The code was good once; the messenger's page is done with.
  await pc.goto(`${app.url}/secure/continue`);
  await pc.getByLabel('코드').fill(code);
  await pc.getByRole('button', { name: '계속하기' }).click();
  await pc.getByText('코드를 확인할 수 없어요').waitFor();
  customer.end();
  await phone.context().close();
  await pc.context().close();
}, 120_000);

test('in KakaoTalk’s browser, “open in the bank’s app” follows the configured deep link with a fresh ticket for the same step', async () => {
  const customer = await ChatCustomer.connect(app.url);
  const { page: phone } = await openPage(browser, { ...PHONE, userAgent: KAKAOTALK });
  const { url } = await startIssuance(customer, phone, 'personalGeneral');
  const opened: string[] = [];
  await phone.context().route('https://bank-app.example/**', (route) => {
    opened.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>bank app</title>' });
  });
  await phone.goto(url);
  await phone.getByRole('button', { name: '은행 앱에서 열기' }).click();
  await phone.waitForURL(/^https:\/\/bank-app\.example\/open\?ticket=/);
  const ticket = new URL(opened[0] ?? '').searchParams.get('ticket');
  expect(ticket).toMatch(/^[\w-]{43}$/);
  expect(url.endsWith(`/${ticket}`)).toBe(false);

  // The app opens the fresh ticket: the same issuance step, with its 범용 fee to agree to.
  const { page: inApp } = await openPage(browser, PHONE);
  await inApp.goto(`${app.url}/secure/${ticket}`);
  await inApp.getByRole('heading', { name: '동의가 필요해요' }).waitFor();
  expect(await inApp.getByTestId('consents').innerText()).toContain('범용 인증서 발급 수수료 4,400원');
  // The messenger's link was replaced by it.
  const { page: again } = await openPage(browser, PHONE);
  await again.goto(url);
  await again.getByRole('heading', { name: '링크의 유효 시간이 지났어요' }).waitFor();
  customer.end();
  for (const page of [phone, inApp, again]) await page.context().close();
}, 120_000);
