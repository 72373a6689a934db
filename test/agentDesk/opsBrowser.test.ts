import type { Browser, Page } from 'playwright-core';
import type { JourneyEvent } from '../../src/metrics/journeyEvents';
import { SqlJourneyEventLog } from '../../src/records/sqlJourneyEventLog';
import { deskPageSignedIn, launchChromium, screenshotPath } from '../support/browser';
import { agentsConfig, DeskClient } from '../support/deskClient';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { ownerDatabase } from '../support/recordDatabases';
import { fileDatabaseUrl } from '../support/testDatabase';

let bot: RunningBot;
let browser: Browser;

/** `times` events at a Korean date and time. */
const at = (kst: string, journey: string, event: JourneyEvent['event'], step: string, times: number): JourneyEvent[] =>
  Array.from({ length: times }, () => ({ at: new Date(`${kst}+09:00`), journey, event, step }));

/** A week of March 2025 in Seoul, and an event on each side of it. */
const SEED: JourneyEvent[] = [
  ...at('2025-03-03T10:00:00', 'issuing', 'started', 'verifyingIdentity', 40),
  ...at('2025-03-03T10:01:00', 'issuing', 'reached', 'verifyingIdentity', 38),
  ...at('2025-03-03T10:05:00', 'issuing', 'reached', 'authenticatingFurther', 31),
  ...at('2025-03-04T10:07:00', 'issuing', 'reached', 'agreeingToTerms', 27),
  ...at('2025-03-04T10:09:00', 'issuing', 'reached', 'choosingType', 25),
  ...at('2025-03-05T10:12:00', 'issuing', 'completed', 'creatingCertificate', 21),
  ...at('2025-03-05T10:04:00', 'issuing', 'abandoned', 'verifyingIdentity', 5),
  ...at('2025-03-05T10:06:00', 'issuing', 'abandoned', 'authenticatingFurther', 2),
  ...at('2025-03-06T11:00:00', 'issuing', 'handedOff', 'authenticatingFurther', 3),
  ...at('2025-03-06T11:30:00', 'issuing', 'failed', 'creatingCertificate', 1),
  ...at('2025-03-02T09:00:00', 'registering', 'started', 'verifyingIdentity', 12),
  ...at('2025-03-02T09:01:00', 'registering', 'reached', 'verifyingIdentity', 11),
  ...at('2025-03-02T09:03:00', 'registering', 'reached', 'choosingAction', 8),
  ...at('2025-03-02T09:05:00', 'registering', 'completed', 'choosingAction', 7),
  ...at('2025-03-02T09:04:00', 'registering', 'abandoned', 'verifyingIdentity', 1),
  ...at('2025-03-07T23:30:00', 'registering', 'handedOff', 'choosingAction', 1),
  // Its first morning in Seoul is still February in UTC: the week is Seoul's.
  ...at('2025-03-01T08:00:00', 'reissuing', 'started', 'verifyingIdentity', 9),
  ...at('2025-03-01T08:01:00', 'reissuing', 'reached', 'verifyingIdentity', 8),
  ...at('2025-03-01T08:03:00', 'reissuing', 'reached', 'picking', 7),
  ...at('2025-03-01T08:04:00', 'reissuing', 'reached', 'choosingReason', 6),
  ...at('2025-03-01T08:09:00', 'reissuing', 'completed', 'creatingCertificate', 5),
  ...at('2025-03-01T08:03:00', 'reissuing', 'abandoned', 'picking', 1),
  ...at('2025-03-01T08:09:00', 'reissuing', 'failed', 'creatingCertificate', 1),
  // Just outside the week in Seoul (the first still inside it in UTC): not counted.
  ...at('2025-03-08T00:30:00', 'issuing', 'started', 'verifyingIdentity', 100),
  ...at('2025-02-28T23:30:00', 'reissuing', 'started', 'verifyingIdentity', 100),
];

beforeAll(async () => {
  const records = await ownerDatabase(await fileDatabaseUrl());
  try {
    await new SqlJourneyEventLog(records).record(SEED);
  } finally {
    await records.close();
  }
  bot = await startHttpBot({ AGENTS: await agentsConfig(['kim', 'boss']), SUPERVISORS: 'boss' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await bot?.app.close();
});

test('a supervisor picks a week at /agent/ops and sees each journey funnel drawn and in numbers', async () => {
  const page = await signedInPage('boss');
  const problems: string[] = [];
  // A script or style the page's policy refused, or any script error, shows here.
  page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
  page.on('pageerror', (error) => problems.push(error.message));

  // The desk shows a supervisor the way to the funnel.
  await page.locator('#ops-link').click();
  await page.waitForURL(`${bot.url}/agent/ops`);
  // This week has no journeys yet.
  await page.getByText('이 기간에 시작되거나 진행된 여정이 없습니다.').waitFor();

  await page.getByTestId('period-from').fill('2025-03-01');
  await page.getByTestId('period-to').fill('2025-03-07');
  await page.getByTestId('period-show').click();
  await page.getByTestId('funnel').first().waitFor();

  const funnels = page.getByTestId('funnel');
  expect(await funnels.evaluateAll((sections) => sections.map((section) => section.getAttribute('data-journey')))).toEqual([
    'issuing',
    'registering',
    'reissuing',
  ]);
  expect(await tableOf(page, 'issuing')).toEqual([
    ['시작', '40', '100%'],
    ['verifyingIdentity', '38', '95%'],
    ['authenticatingFurther', '31', '78%'],
    ['agreeingToTerms', '27', '68%'],
    ['choosingType', '25', '63%'],
    ['완료', '21', '53%'],
  ]);
  expect(await tableOf(page, 'registering')).toEqual([
    ['시작', '12', '100%'],
    ['verifyingIdentity', '11', '92%'],
    ['choosingAction', '8', '67%'],
    ['완료', '7', '58%'],
  ]);
  expect(await tableOf(page, 'reissuing')).toEqual([
    ['시작', '9', '100%'],
    ['verifyingIdentity', '8', '89%'],
    ['picking', '7', '78%'],
    ['choosingReason', '6', '67%'],
    ['완료', '5', '56%'],
  ]);
  const issuing = page.locator('[data-journey="issuing"]');
  expect(await issuing.getByTestId('handed-off').textContent()).toBe('3');
  expect(await issuing.getByTestId('failed').textContent()).toBe('1');
  expect(await issuing.getByTestId('abandoned').locator('li').allTextContents()).toEqual([
    'verifyingIdentity 5',
    'authenticatingFurther 2',
  ]);
  expect(await page.locator('[data-journey="registering"]').getByTestId('handed-off').textContent()).toBe('1');

  // Each journey's chart is a canvas with its bars drawn on it, one bar per stage.
  for (const [journey, stages] of [
    ['issuing', 6],
    ['registering', 4],
    ['reissuing', 5],
  ] as const) {
    expect([journey, await barsOn(page, journey)]).toEqual([journey, stages]);
  }
  await page.locator('[data-journey="issuing"] caption').getByText('인증서 발급 단계별 인원').waitFor();

  expect(await untranslated(page)).toEqual([]);

  const saveTo = screenshotPath('ops-funnel.png');
  if (saveTo !== undefined) await page.screenshot({ path: saveTo, fullPage: true });

  // In English, the same numbers with English words.
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('[data-journey="issuing"] caption').getByText('Certificate issuance by stage').waitFor();
  expect((await tableOf(page, 'issuing'))[0]).toEqual(['Started', '40', '100%']);
  expect(await barsOn(page, 'issuing')).toBe(6);
  expect(await untranslated(page)).toEqual([]);

  expect(problems).toEqual([]);
  await page.close();
});

test('an agent who is not a supervisor is refused the funnel, and the page says so', async () => {
  const kim = await DeskClient.signIn(bot.url, 'kim', 'kim-password-123');
  expect(await kim.call('GET', '/ops/funnel?from=2025-03-01&to=2025-03-08')).toEqual({ status: 403, body: { error: 'supervisorsOnly' } });

  const page = await signedInPage('kim');
  // The desk shows no way there to an agent who is not a supervisor.
  const queueLoaded = page.waitForResponse((response) => response.url().endsWith('/agent/api/queue'));
  await page.reload();
  await queueLoaded;
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  expect(await page.locator('#ops-link').isHidden()).toBe(true);
  await page.goto(`${bot.url}/agent/ops`);
  await page.getByTestId('ops-error').getByText('퍼널은 관리자만 볼 수 있습니다.').waitFor();
  expect(await page.getByTestId('funnel').count()).toBe(0);
  await page.close();
});

test('without a session the page sends the visitor to sign in at the desk', async () => {
  const page = await browser.newPage();
  await page.goto(`${bot.url}/agent/ops`);
  await page.getByTestId('sign-in-hint').getByRole('link').waitFor();
  expect(await page.getByTestId('sign-in-hint').getByRole('link').getAttribute('href')).toBe('/agent');
  await page.close();
});

/** A page signed in at the desk as `id`, in Seoul's time zone. */
const signedInPage = (id: string): Promise<Page> =>
  deskPageSignedIn(browser, bot.url, id, { viewport: { width: 1200, height: 900 }, timezoneId: 'Asia/Seoul' });

/** The page's fixed texts (data-i18n) the locales left empty or untranslated (i18next shows a missing key as itself). */
function untranslated(page: Page): Promise<string[]> {
  return page
    .locator('[data-i18n]')
    .evaluateAll((nodes) =>
      nodes
        .map((node) => [node.getAttribute('data-i18n') ?? '', node.textContent ?? ''])
        .flatMap(([key, text]) => (text === '' || text === key ? [key] : [])),
    );
}

/** A journey's table as the page shows it: stage, count, share of started. */
function tableOf(page: Page, journey: string): Promise<string[][]> {
  return page
    .locator(`[data-journey="${journey}"] [data-testid="funnel-table"] tbody tr`)
    .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent ?? '')));
}

/**
 * How many bars a journey's chart canvas shows: runs of the bars' colour along a line just above
 * the x axis, counted from the pixels (the canvas has no DOM of its own to ask).
 */
function barsOn(page: Page, journey: string): Promise<number> {
  return page.locator(`[data-journey="${journey}"] [data-testid="funnel-chart"] canvas`).evaluate((node) => {
    const canvas = node as any;
    const context = canvas.getContext('2d');
    if (context === null) return -1;
    // The plot ends a little above the canvas bottom (the axis labels); bars all reach the x axis.
    const y = Math.round(canvas.height * 0.7);
    const row = context.getImageData(0, y, canvas.width, 1).data;
    let bars = 0;
    let inBar = false;
    for (let x = 0; x < canvas.width; x++) {
      const [r, g, b] = [row[x * 4], row[x * 4 + 1], row[x * 4 + 2]];
      const isBar = r === 11 && g === 74 && b === 139;
      if (isBar && !inBar) bars++;
      inBar = isBar;
    }
    return bars;
  });
}
