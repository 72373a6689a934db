// The supervisors' view (/agent/ops): each journey's funnel over the period picked, from the
// system of record. Signing in happens at the desk (/agent); its session cookie serves here too.
import type { FunnelReport } from '../../journeyFunnel';
import { ApiError } from '../api';
import { byId } from '../dom';
import { language, setLanguage, showPageTexts, text } from '../i18n';
import { clearFunnels, renderFunnels } from './funnelView';
import { fetchFunnel } from './opsApi';
import { lastSevenDays, periodOf } from './period';

const form = byId('period-form', HTMLFormElement);
const firstDay = byId('period-from', HTMLInputElement);
const lastDay = byId('period-to', HTMLInputElement);
const status = byId('ops-status');
const problem = byId('ops-error');
const signInHint = byId('sign-in-hint');
const funnels = byId('funnels');

/** What the server answered last, drawn again in another language or width. */
let shown: FunnelReport | undefined;

const OPS_ERRORS = ['supervisorsOnly', 'badPeriod', 'periodTooLong', 'recordsUnavailable'] as const;
const opsError = (code: string | undefined): code is (typeof OPS_ERRORS)[number] => OPS_ERRORS.some((each) => each === code);

function errorMessage({ code, status: httpStatus }: ApiError): string {
  if (opsError(code)) return text(`desk.ops.errors.${code}`);
  if (code === 'network') return text('desk.errors.network');
  if (httpStatus >= 500) return text('desk.errors.server', { status: httpStatus });
  return text('desk.errors.failed', { code: code ?? httpStatus });
}

function showProblem(message: string | undefined): void {
  problem.textContent = message ?? '';
  problem.hidden = message === undefined;
}

function redraw(): void {
  if (shown === undefined) return;
  const day = new Intl.DateTimeFormat(language() === 'en' ? 'en-US' : 'ko-KR', { dateStyle: 'medium' });
  // The period ends at a midnight: its last day is the one before.
  const last = new Date(Date.parse(shown.to) - 1);
  status.textContent = text('desk.ops.period.shown', { from: day.format(new Date(shown.from)), to: day.format(last) });
  renderFunnels(funnels, shown);
}

async function show(): Promise<void> {
  const period = periodOf(firstDay.value, lastDay.value);
  if (period === undefined) return showProblem(text('desk.ops.errors.badPeriod'));
  showProblem(undefined);
  signInHint.hidden = true;
  status.textContent = text('desk.ops.loading');
  try {
    shown = await fetchFunnel(period);
    redraw();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    shown = undefined;
    status.textContent = '';
    clearFunnels(funnels);
    if (error.status === 401) signInHint.hidden = false;
    else showProblem(errorMessage(error));
  }
}

/** The page's own failures go to the console, as any script error would. */
const run = (work: Promise<void>): void => void work.catch((error: unknown) => console.error(error));

showPageTexts();
const week = lastSevenDays(new Date());
firstDay.value = week.from;
lastDay.value = week.to;
form.addEventListener('submit', (event) => {
  event.preventDefault();
  run(show());
});
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-language]')) {
  button.addEventListener('click', () => {
    const next = button.dataset.language;
    if (next !== 'ko' && next !== 'en') return;
    setLanguage(next);
    showPageTexts();
    redraw();
  });
}
let resizing = 0;
window.addEventListener('resize', () => {
  cancelAnimationFrame(resizing);
  resizing = requestAnimationFrame(redraw);
});
run(show());
