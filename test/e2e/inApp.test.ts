import { X509Certificate } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { decryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { readPrivateKeyInfo } from '../../src/certificates/npki/privateKeyInfo';
import { verifyVirtualId } from '../../src/certificates/npki/virtualId';
import { launchChromium } from '../support/browser';
import {
  acceptConsents,
  CERTIFICATE_PASSWORD,
  ChatCustomer,
  E2E_CUSTOMER,
  type E2eApp,
  issuedCard,
  keepNewCertificate,
  openPage,
  PHONE,
  startE2eApp,
  startIssuance,
} from '../support/secureE2e';

// The in-app path on a phone: the bank's app keeps the key in its own store through its JavaScript
// bridge. The sandbox's stand-in for that bridge (`?bridge=sandbox`, offered by the page) keeps the
// files in the page's IndexedDB, so the whole path runs here: nothing is downloaded.
const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startE2eApp(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** What the sandbox's "app" keeps in the page's IndexedDB (sandboxBridge.ts). */
interface Kept {
  readonly signCert: string;
  readonly signPri: string;
}

test('on a phone, through the page’s sandbox-bridge link: the app’s store keeps the new certificate, nothing is downloaded, the chat shows the card', async () => {
  const customer = await ChatCustomer.connect(app.url);
  const { page, violations } = await openPage(browser, { ...PHONE, userAgent: ANDROID_CHROME });
  const downloads: string[] = [];
  page.on('download', (download) => void downloads.push(download.suggestedFilename()));
  const { url } = await startIssuance(customer, page);
  expect(page.viewportSize()).toEqual({ width: 390, height: 844 });

  // The page offers the in-app path in the sandbox; following it reopens the same step (the same ticket, the same cookie).
  await page.goto(url);
  await page.getByRole('link', { name: '[샌드박스] 은행 앱 안에서처럼 해 보기' }).click();
  await page.waitForURL(`${url}?bridge=sandbox`);
  await acceptConsents(page);
  expect(await keepNewCertificate(page, { downloads: false })).toBeUndefined();
  await page.getByText('인증서를 발급받아 저장했어요.').waitFor({ timeout: 60_000 });
  const kept = page.getByTestId('app-store');
  await kept.getByText('[샌드박스] 은행 앱 보관함의 인증서').waitFor();
  expect(await kept.locator('li').allInnerTexts()).toEqual([expect.stringMatching(/^홍\*동 · yessign · \d{4}\. \d{2}\. \d{2}\.까지$/)]);
  expect(downloads).toEqual([]);
  expect(await page.getByRole('heading', { name: '인증서 저장' }).isVisible()).toBe(false);

  // The "app" keeps the NPKI pair: the certificate the chat announces, its key under the chosen password, with R for the VID.
  const { serialNumber } = await issuedCard(customer);
  // Read in the page, as the app's store would be (this program has no DOM types: the script is text).
  const stored = (await page.evaluate(`new Promise((resolve, reject) => {
    const opening = indexedDB.open('jca-sandbox-bank-app');
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const all = opening.result.transaction('certificates').objectStore('certificates').getAll();
      all.onsuccess = () => resolve(all.result);
      all.onerror = () => reject(all.error);
    };
  })`)) as Kept[];
  expect(stored).toHaveLength(1);
  const signCert = Buffer.from(stored[0]!.signCert, 'base64');
  expect(BigInt(`0x${new X509Certificate(signCert).serialNumber}`)).toBe(BigInt(`0x${serialNumber}`));
  const randomNum = readPrivateKeyInfo(
    await decryptPrivateKeyFile(Buffer.from(stored[0]!.signPri, 'base64'), CERTIFICATE_PASSWORD),
  ).randomNum;
  expect(await verifyVirtualId(signCert, `${E2E_CUSTOMER.rrnFront}${E2E_CUSTOMER.rrnBack}`, randomNum!)).toBe(true);
  expect(violations).toEqual([]);
  customer.end();
  await page.context().close();
}, 120_000);
