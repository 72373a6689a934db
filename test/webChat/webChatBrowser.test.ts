import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/browser';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { promptOf } from '../support/httpJourneys';

// The chat page and the secure page on one origin (SECURE_ORIGIN unset): the step opens over the chat.
// The journeys through the secure page itself are test/e2e's.
let bot: RunningBot;
let browser: Browser;

beforeAll(async () => {
  bot = await startHttpBot({ CA_DIR: join(tmpdir(), 'jca-test-ca') });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await bot?.app.close();
});

test('a secure step shows as a button in the chat, which opens the secure page over the chat; closing it returns to the chat', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  page.setDefaultTimeout(30_000);
  // The pages' Content-Security-Policies must let Web Chat, the overlay and the secure page do their work.
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  try {
    await page.goto(`${bot.url}/`);
    await page.getByText('공동인증서 도우미예요', { exact: false }).last().waitFor();
    await page.getByRole('button', { name: '인증서 발급' }).last().click();
    await page.getByText(promptOf('secureStep.open.identity'), { exact: false }).last().waitFor();
    const saveTo = screenshotPath('web-chat.png');
    if (saveTo !== undefined) await page.screenshot({ path: saveTo });

    await page
      .getByRole('button', { name: promptOf('secureStep.button.identity') })
      .last()
      .click();
    const overlay = page.getByRole('dialog', { name: '보안 화면' });
    await overlay.waitFor();
    // The page stays where it is; the secure page is in the overlay's frame, on the chat's origin.
    expect(page.url()).toBe(`${bot.url}/`);
    expect(await overlay.locator('iframe').getAttribute('src')).toMatch(new RegExp(`^${bot.url}/secure/[\\w-]{43}$`));
    const secure = page.frameLocator('.secure-overlay iframe');
    await secure.getByText(promptOf('secure.consents.title'), { exact: false }).first().waitFor();

    await overlay.getByRole('button', { name: '닫고 채팅으로 돌아가기' }).click();
    await overlay.waitFor({ state: 'detached' });
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor();
  } catch (err) {
    await page.screenshot({ path: '/tmp/webchat-fail.png' });
    throw err;
  }
  expect(violations).toEqual([]);
}, 60_000);
