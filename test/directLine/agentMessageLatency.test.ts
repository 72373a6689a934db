/**
 * An agent's message must reach the customer's Web Chat at once. It is sent outside the
 * customer's turn, replying to the continuation activity the adapter made up; Web Chat holds a
 * reply to an activity it never received for 5 s (its queueIncomingActivity saga) before showing
 * it. Measured in the real page, since directlinejs alone shows no delay.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { agentsConfig, DeskClient } from '../support/deskClient';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { eventually } from '../support/httpJourneys';

let bot: RunningBot;
let browser: Browser;

beforeAll(async () => {
  bot = await startHttpBot({ AGENTS: await agentsConfig(['kim']), CA_DIR: mkdtempSync(join(tmpdir(), 'jca-latency-ca-')) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await bot?.app.close();
});

async function type(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-id="webchat-sendbox-input"]');
  await box.fill(text);
  await box.press('Enter');
}

test("an agent's messages appear in the customer's Web Chat within a second of being sent", async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${bot.url}/`);
  await page.getByText('무엇을 도와드릴까요', { exact: false }).last().waitFor();
  await type(page, '상담원 연결해 주세요');
  await page.getByText('대기 순서는', { exact: false }).last().waitFor();

  const kim = await DeskClient.signIn(bot.url, 'kim', 'kim-password-123');
  const [waiting] = await eventually(async () => (await kim.call('GET', '/queue')).body.waiting);
  expect((await kim.call('POST', `/conversations/${waiting.id}/take`)).status).toBe(200);
  await page.getByText('상담원이 연결되었어요', { exact: false }).last().waitFor();

  for (const text of ['안녕하세요, 상담원 김민지입니다.', '무엇을 도와드릴까요?']) {
    const sentAt = Date.now();
    expect((await kim.call('POST', `/conversations/${waiting.id}/messages`, { text })).status).toBe(200);
    await page.getByText(`[상담원] ${text}`).last().waitFor();
    // Before the fix each took 5 s.
    expect(Date.now() - sentAt).toBeLessThan(1000);
  }
}, 60_000);
