import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createCertificateService } from '../../src/certificates/certificateService';
import { memoryCertificateStores } from '../../src/stores';
import { encryptPrivateKeyFile } from '../../src/certificates/npki/privateKeyFile';
import { launchChromium, screenshotPath } from '../support/browser';
import { CUSTOMER, OTHER_BANK_PASSWORD } from '../support/journeys';
import { RunningBot, startHttpBot } from '../support/httpBot';

const PASSWORD = 'Gildong#2026!';
let bot: RunningBot;
let browser: Browser;
let caDirectory: string;

beforeAll(async () => {
  caDirectory = mkdtempSync(join(tmpdir(), 'jca-webchat-ca-'));
  // The address a customer would see in links; this test's server listens on a random port.
  bot = await startHttpBot({ CA_DIR: caDirectory, PUBLIC_BASE_URL: 'http://127.0.0.1:3978' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await bot?.app.close();
});

/** Another bank's certificate for the customer, from the sandbox's second CA in the bot's CA_DIR: the files a customer would pick. */
async function otherBankFiles(): Promise<{ signCert: string; signPri: string }> {
  const service = await createCertificateService({ caDirectory, crlUrl: () => 'http://127.0.0.1/crl', stores: memoryCertificateStores() });
  const issued = await service.otherBankCa.issue({ realName: CUSTOMER.name, idn: CUSTOMER.rrn.replace('-', ''), type: 'personalGeneral' });
  const folder = mkdtempSync(join(tmpdir(), 'jca-webchat-files-'));
  writeFileSync(join(folder, 'signCert.der'), issued.certificate);
  writeFileSync(join(folder, 'signPri.key'), await encryptPrivateKeyFile(issued.privateKeyInfo, OTHER_BANK_PASSWORD));
  return { signCert: join(folder, 'signCert.der'), signPri: join(folder, 'signPri.key') };
}

async function type(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-id="webchat-sendbox-input"]');
  await box.fill(text);
  await box.press('Enter');
}

/** The sandbox codes shown in the page so far (a bubble may appear twice: as text and in the live region). */
async function shownCodes(page: Page): Promise<Set<string>> {
  const text = await page.locator('.webchat__basic-transcript').innerText();
  return new Set([...text.matchAll(/인증번호: (\d{6})/g)].map((m) => m[1] ?? ''));
}

/** Waits for a code not among `known`, the one just sent. */
async function newCode(page: Page, known: Set<string>): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const fresh = [...(await shownCodes(page))].find((code) => !known.has(code));
    if (fresh !== undefined) return fresh;
    if (Date.now() > deadline) throw new Error('no new sandbox code was shown');
    await page.waitForTimeout(100);
  }
}

/** 본인 인증 in the page, then as many more codes as the journey asks (추가 인증). */
async function verify(page: Page, codes: number): Promise<void> {
  await type(page, CUSTOMER.name);
  await page.getByText('주민등록번호 13자리를 입력해 주세요', { exact: false }).last().waitFor();
  await type(page, CUSTOMER.rrn);
  await page.getByRole('button', { name: 'SKT' }).last().click();
  await page.getByText('휴대폰 번호를 입력해 주세요', { exact: false }).last().waitFor();
  const known = await shownCodes(page);
  await type(page, CUSTOMER.phone);
  for (let i = 0; i < codes; i++) {
    const code = await newCode(page, known);
    known.add(code);
    await type(page, code);
  }
}

/** Types the password into the newest password card (the `nth` one asked in this page) and submits it. */
async function submitPassword(page: Page, password: string, nth: number): Promise<void> {
  const card = page
    .locator('.ac-adaptiveCard')
    .filter({ has: page.locator('input[type="password"]') })
    .nth(nth);
  await card.waitFor();
  await card.locator('input[type="password"]').fill(password);
  await card.getByRole('button', { name: '확인' }).click();
}

test('a customer issues a certificate and registers another bank’s, uploading the files, entirely in the page', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  page.setDefaultTimeout(8_000);
  // The page's Content-Security-Policy must let Web Chat do everything the journeys need.
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  try {
    await journeys(page);
  } catch (err) {
    await page.screenshot({ path: '/tmp/demo/webchat-fail.png' });
    throw err;
  }
  expect(violations).toEqual([]);
}, 90_000);

async function journeys(page: Page): Promise<void> {
  await page.goto(`${bot.url}/`);
  await page.getByText('공동인증서 도우미예요', { exact: false }).last().waitFor();

  // 발급
  await page.getByRole('button', { name: '인증서 발급' }).last().click();
  await page.getByText('이름을 입력해 주세요', { exact: false }).last().waitFor();
  await verify(page, 1);
  await page.getByRole('button', { name: '동의합니다' }).last().click();
  await page.getByRole('button', { name: '은행·신용카드·보험용 (무료)' }).last().click();
  await submitPassword(page, PASSWORD, 0);
  await submitPassword(page, PASSWORD, 1);
  await page.getByText('인증서가 발급되었어요', { exact: false }).last().waitFor({ timeout: 15_000 });
  await page.getByText('금융결제원(yessign)', { exact: false }).first().waitFor();
  await page.getByRole('button', { name: '인증서 내려받기' }).last().waitFor();
  // the passwords never show in the page
  expect(await page.locator('.webchat__basic-transcript').innerText()).not.toContain(PASSWORD);
  const saveTo = screenshotPath('web-chat.png');
  if (saveTo !== undefined) {
    await page.getByRole('button', { name: '인증서 내려받기' }).last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: saveTo });
  }

  // 타기관 등록, with Web Chat's upload button
  const files = await otherBankFiles();
  await page.getByRole('button', { name: '타기관 인증서 등록·해제' }).last().click();
  await page.getByText('이름을 입력해 주세요', { exact: false }).last().waitFor();
  await verify(page, 2);
  await page.getByRole('button', { name: '인증서 등록하기' }).last().click();
  await page.getByText('등록할 인증서 파일을 보내 주세요', { exact: false }).last().waitFor();
  await page.locator('input[type="file"]').setInputFiles([files.signCert, files.signPri]);
  // Web Chat sends picked files with the next send
  await page.locator('[data-id="webchat-sendbox-input"]').press('Enter');
  await submitPassword(page, OTHER_BANK_PASSWORD, 2);
  await page.getByText('주민등록번호를 한 번 더', { exact: false }).last().waitFor();
  await type(page, CUSTOMER.rrn);
  await page.getByText('인증서를 등록했어요', { exact: false }).last().waitFor();
  await page.getByText('한국정보인증(KICA)', { exact: false }).first().waitFor();
}
