import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { readNpkiZip } from '../../src/certificates/npki/npkiBundle';
import { shownIn } from '../directLine/directLineJourney';
import { launchChromium } from '../support/browser';
import { promptOf } from '../support/httpJourneys';
import {
  acceptConsents,
  CERTIFICATE_PASSWORD,
  ChatCustomer,
  choiceOf,
  type E2eApp,
  issueThroughChat,
  keepNewCertificate,
  npkiFilesIn,
  openPage,
  revokedSerials,
  secureStepIn,
  serialOnCard,
  startE2eApp,
  verifyUntil,
  verifyUntilPage,
} from '../support/secureE2e';

// 갱신 end to end, authorised by the current key: with certificates issued for 20 days (as if near
// their end), the chat offers renewal; the page asks for the current certificate's files and
// password (proof of possession), then makes the new key; the old certificate is revoked.
const NEW_PASSWORD = 'Renewed#2027!';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp({ CERT_VALIDITY_DAYS: '20' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const validTo = (card: string): string | undefined => /유효기간: [\d-]+ ~ ([\d-]+)/.exec(card)?.[1];

/** The certificate in a downloaded NPKI zip. */
const certificateIn = (file: string): X509Certificate => {
  const contents = readNpkiZip(readFileSync(file));
  if (!('signCert' in contents)) throw new Error('no signCert.der in the NPKI zip');
  return new X509Certificate(contents.signCert);
};

/** A year after a date of the chat's cards (YYYY-MM-DD). */
const aYearAfter = (date: string): string => `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`;

test('갱신: the current certificate’s files prove its key on the page, a new key is made there, a year more, the old one in the CRL', async () => {
  const customer = await ChatCustomer.connect(app.url);
  const { page } = await openPage(browser);
  const old = await issueThroughChat(customer, page);
  await customer.waitForText('menu.prompt');

  await customer.say(promptOf('menu.choices.reissue'));
  const { reached: list } = await verifyUntil(customer, page, 'reissue.pick');
  await customer.say(choiceOf(list, /금융결제원\(yessign\)/));
  const offer = shownIn(await customer.waitForText('reissue.offerRenewal'));
  expect(offer).toMatch(/이 인증서는 (19|20)일 뒤/);
  await customer.say(promptOf('yesNo.yes'));

  // No new 본인 인증: the renewal page itself, which asks for the certificate being renewed.
  const { steps, url } = await verifyUntilPage(customer, page, 'renewal');
  expect(steps).toEqual([]);
  await page.goto(url);
  await acceptConsents(page);
  await page.getByRole('heading', { name: '인증서 확인' }).waitFor();
  await page.getByText(`갱신할 인증서(만료일 ${validTo(old.card)})의 파일을 골라 주세요`).waitFor();
  await page
    .getByLabel('인증서 파일')
    .setInputFiles(npkiFilesIn(old.files.zip).map((file) => ({ ...file, mimeType: 'application/octet-stream' })));
  await page.getByRole('textbox', { name: '인증서 비밀번호' }).fill(CERTIFICATE_PASSWORD);
  await page.getByRole('button', { name: '확인하기' }).click();

  // Proven: the device makes the new key, protected with a new password.
  const saved = await keepNewCertificate(page, { downloads: true, password: NEW_PASSWORD });
  await page.getByText('인증서를 갱신해 저장했어요.').waitFor({ timeout: 60_000 });

  const done = shownIn(await customer.waitForText('reissue.oldRevoked'));
  expect(done).toContain('인증서를 갱신했어요.');
  const renewed = serialOnCard(done);
  expect(renewed).not.toBe(old.serialNumber);
  const oldTo = validTo(old.card) as string;
  expect(validTo(done)).toBe(aYearAfter(oldTo));

  // A new key, not the old one re-certified.
  const [before, after] = [certificateIn(old.files.zip.path), certificateIn(saved!.zip.path)];
  expect(after.publicKey.equals(before.publicKey)).toBe(false);

  const revoked = await revokedSerials(app.url, 'bank');
  expect(revoked.get(old.serialNumber)).toContain('Superseded');
  expect(revoked.has(renewed)).toBe(false);
  customer.end();
  await page.context().close();
}, 120_000);

// Its own app: the journeys' customer holds one certificate of a kind at this bank, and the test
// above has already renewed theirs there.
describe('갱신 by key, in a conversation of its own', () => {
  let fresh: E2eApp;
  beforeAll(async () => {
    fresh = await startE2eApp({ CERT_VALIDITY_DAYS: '20' });
  });
  afterAll(async () => {
    await fresh?.close();
  });

  test('갱신 asked for in a new conversation, without 본인 인증: the current certificate’s files say who it is, a new key and a year more, the old one in the CRL', async () => {
    // The certificate to renew, issued in one conversation and kept as the NPKI folder.
    const first = await ChatCustomer.connect(fresh.url);
    const { page: issuing } = await openPage(browser);
    const old = await issueThroughChat(first, issuing);
    // Read before the context closes, which deletes its downloads.
    const [kept, before] = [npkiFilesIn(old.files.zip), certificateIn(old.files.zip.path)];
    first.end();
    await issuing.context().close();

    // Another day, another conversation: nobody known to the chat asks for 갱신 outright.
    const customer = await ChatCustomer.connect(fresh.url);
    const { page, sent } = await openPage(browser);
    await customer.say('인증서 갱신');
    const link = await customer.secureLink();
    expect(link.kind).toBe('renewal');
    expect(link.shown).toContain(promptOf('secureStep.open.renewal'));

    // The page does not know which certificate: the one chosen there says it, proven by its key.
    await page.goto(link.url);
    await acceptConsents(page);
    await page.getByRole('heading', { name: '인증서 확인' }).waitFor();
    await page.getByText('갱신할 인증서의 파일을 골라 주세요. 이 은행에서 발급받은, 만료가 30일 안으로 남은 인증서예요.').waitFor();
    await page.getByLabel('인증서 파일').setInputFiles(kept.map((file) => ({ ...file, mimeType: 'application/octet-stream' })));
    await page.getByRole('textbox', { name: '인증서 비밀번호' }).fill(CERTIFICATE_PASSWORD);
    await page.getByRole('button', { name: '확인하기' }).click();
    const saved = await keepNewCertificate(page, { downloads: true, password: NEW_PASSWORD });
    await page.getByText('인증서를 갱신해 저장했어요.').waitFor({ timeout: 60_000 });

    const done = shownIn(await customer.waitForText('reissue.oldRevoked'));
    expect(done).toContain('인증서를 갱신했어요.');
    // Found from the proof alone: the card names the certificate's owner as the first one did.
    const nameOn = (card: string) => /이름: ([^\s"\\]+)/.exec(card)?.[1];
    expect(nameOn(done)).toBe(nameOn(old.card));
    expect(nameOn(done)).toBeDefined();
    const renewed = serialOnCard(done);
    expect(renewed).not.toBe(old.serialNumber);
    expect(validTo(done)).toBe(aYearAfter(validTo(old.card) as string));

    // No 본인 인증 anywhere in this conversation: the chat linked to no identity page, the browser opened none.
    const links = customer.fromBot.map((activity) => secureStepIn(activity)?.kind).filter((kind) => kind !== undefined);
    expect(links).toEqual(['renewal']);
    expect(customer.transcript()).not.toContain(promptOf('secureStep.open.identity'));
    const pagesOpened = new Set(sent.filter((r) => r.method === 'GET' && /\/secure\/[\w-]{43}$/.test(r.url)).map((r) => r.url));
    expect([...pagesOpened]).toEqual([link.url]);

    // A new key with a later expiry, not the old one re-certified.
    const after = certificateIn(saved!.zip.path);
    expect(after.publicKey.equals(before.publicKey)).toBe(false);
    expect(new Date(after.validTo).getTime()).toBeGreaterThan(new Date(before.validTo).getTime());
    // The same owner (the CN's number is each certificate's own).
    const owner = (certificate: X509Certificate) => certificate.subject.replace(/\(\)\d+$/m, '');
    expect(owner(after)).toBe(owner(before));

    const revoked = await revokedSerials(fresh.url, 'bank');
    expect(revoked.get(old.serialNumber)).toContain('Superseded');
    expect(revoked.has(renewed)).toBe(false);
    customer.end();
    await page.context().close();
  }, 150_000);
});
