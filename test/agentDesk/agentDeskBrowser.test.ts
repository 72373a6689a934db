import type { Browser } from 'playwright-core';
import { agentsConfig } from '../support/deskClient';
import { deskPageSignedIn, launchChromium, screenshotPath } from '../support/browser';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startHttpBot } from '../support/httpBot';

let bot: RunningBot;
let browser: Browser;
let customer: HttpCustomer;

beforeAll(async () => {
  bot = await startHttpBot({ AGENTS: await agentsConfig(['kim', 'boss']), SUPERVISORS: 'boss' });
  browser = await launchChromium();
  customer = await HttpCustomer.start();
});

afterAll(async () => {
  await browser?.close();
  await customer?.close();
  await bot?.app.close();
});

test('an agent signs in at /agent, takes the queued conversation, replies, and hands it back to the flow', async () => {
  const offered = await customer.say(bot.url, '인증서 발급');
  const firstLink = /\/secure\/\S+/.exec(offered.join('\n'))?.[0];
  expect(firstLink).toBeDefined();
  expect((await customer.say(bot.url, '상담원 연결해 주세요'))[0]).toContain('대기 순서는 1번째예요');
  await customer.say(bot.url, '본인 인증 화면에서 막혔어요');

  const page = await signedInPage('kim');

  const queued = page.getByTestId('queue-item').first();
  await queued.waitFor();
  await queued.getByTestId('take').click();
  const transcript = page.getByTestId('transcript');
  await transcript.getByText('본인 인증 화면에서 막혔어요').waitFor();
  expect((await customer.proactiveMessages(1))[0]).toContain('상담원이 연결되었어요');

  await page.getByTestId('reply-input').fill('안녕하세요, 상담원 김민지입니다. 새 보안 화면 링크를 보내 드릴게요.');
  await page.getByTestId('reply-send').click();
  expect((await customer.proactiveMessages(2))[1]).toBe('[상담원] 안녕하세요, 상담원 김민지입니다. 새 보안 화면 링크를 보내 드릴게요.');
  await transcript.getByText('상담원 김민지입니다', { exact: false }).waitFor();

  // A supervisor sees the conversation kim holds, and reads it live, without taking it.
  const supervisor = await signedInPage('boss');
  await supervisor.getByTestId('others-item').first().locator('.ci-open').click();
  await supervisor.getByTestId('transcript').getByText('본인 인증 화면에서 막혔어요').waitFor();
  await customer.say(bot.url, '링크를 다시 받을 수 있나요?');
  await supervisor.getByTestId('transcript').getByText('링크를 다시 받을 수 있나요?').waitFor();
  expect(await supervisor.getByTestId('reply-input').isDisabled()).toBe(true);
  await supervisor.close();
  const saveTo = screenshotPath('agent-desk.png');
  if (saveTo !== undefined) await page.screenshot({ path: saveTo });

  await page.getByTestId('end-resume').click();
  const back = await customer.proactiveMessages(4);
  expect(back[2]).toContain('하시던 단계부터 이어서');
  // Back at 본인 인증: its page offered again, with a fresh link.
  expect(back.slice(3).join('\n')).toContain('본인 인증은 채팅이 아닌 보안 화면에서 해요');
  const freshLink = /\/secure\/\S+/.exec(back.slice(3).join('\n'))?.[0];
  expect(freshLink).toBeDefined();
  expect(freshLink).not.toBe(firstLink);
  // the customer's next message is answered by the flow, at that step: a 주민등록번호 is not taken in the chat
  const answered = (await customer.say(bot.url, '900101-1234567'))[0];
  expect(answered).toContain('채팅에 입력하지 마세요');
  expect(answered).not.toContain('1234567');

  // Signing out from the page really ends the session (the DELETE passes the desk's Origin check).
  await page.locator('#sign-out').click();
  await page.getByTestId('login-id').waitFor();
  expect(await page.evaluate(() => fetch('/agent/api/me').then((response) => response.status))).toBe(401);
});

test('the desk speaks Korean first, and English once the agent picks it, remembered on this browser', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${bot.url}/agent`);
  await page.getByTestId('login-submit').filter({ hasText: '로그인' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByTestId('login-submit').filter({ hasText: 'Sign in' }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('en');

  await page.reload();
  await page.getByTestId('login-id').fill('kim');
  await page.getByTestId('login-password').fill('kim-password-123');
  await page.getByTestId('login-submit').filter({ hasText: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My conversations' }).waitFor();
  await page.getByRole('button', { name: '한국어' }).click();
  await page.getByRole('heading', { name: '내 상담' }).waitFor();
  await page.close();
});

/** A desk page signed in as `id`. */
const signedInPage = (id: string) => deskPageSignedIn(browser, bot.url, id, { viewport: { width: 1280, height: 800 } });
