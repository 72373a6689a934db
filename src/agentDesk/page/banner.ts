import { ERROR_CODES, ErrorCode } from './deskTypes';
import { text } from './i18n';
import { ui } from './ui';

const BANNER_MS = 10 * 1000;

let hideLater: ReturnType<typeof setTimeout> | undefined;

/** A message over the page; errors stay twice as long, and are announced at once. */
export function showBanner(message: string, kind: 'error' | 'info' = 'error'): void {
  ui.bannerText.textContent = message;
  ui.banner.dataset.kind = kind;
  ui.banner.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  ui.banner.hidden = false;
  clearTimeout(hideLater);
  hideLater = setTimeout(hideBanner, kind === 'error' ? BANNER_MS * 2 : BANNER_MS);
}

export function hideBanner(): void {
  clearTimeout(hideLater);
  ui.banner.hidden = true;
  ui.bannerText.textContent = '';
}

/** An error shown no longer applies once a call succeeds. */
export function hideErrorBanner(): void {
  if (ui.banner.dataset.kind === 'error') hideBanner();
}

const known = (code: string | undefined): code is ErrorCode => ERROR_CODES.some((each) => each === code);

/** What to tell the agent about a failed call. */
export function errorMessage(code: string | undefined, status: number): string {
  if (known(code)) return text(`desk.errors.${code}`);
  if (status >= 500) return text('desk.errors.server', { status });
  if (code !== undefined || status > 0) return text('desk.errors.failed', { code: code ?? status });
  return text('desk.errors.failedPlain');
}
