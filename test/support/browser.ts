import { existsSync } from 'node:fs';
import { Browser, BrowserContextOptions, chromium, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it); no test tool ever downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Screenshots for the README are written only when asked: SAVE_SCREENSHOTS=1 npm test. */
export function screenshotPath(name: string): string | undefined {
  return process.env.SAVE_SCREENSHOTS === '1' ? `docs/${name}` : undefined;
}

/** The agent desk at `url`, signed in as `id` (its test password is `<id>-password-123`). */
export async function deskPageSignedIn(browser: Browser, url: string, id: string, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  await page.goto(`${url}/agent`);
  await page.getByTestId('login-id').fill(id);
  await page.getByTestId('login-password').fill(`${id}-password-123`);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('signed-in-as').filter({ hasText: id }).waitFor();
  return page;
}
