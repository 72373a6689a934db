import { secureApi } from './api';
import { say } from './i18n';
import { busy, byId, screenOf, show, showError } from './ui';

/**
 * A messaging app's in-app browser can keep no certificate: the step goes on in the bank's app (its
 * deep link, with a fresh ticket) or on a PC (a one-time code to type at /secure/continue).
 */
export function handOver(): void {
  const screen = screenOf('handover');
  byId('open-app', HTMLButtonElement).addEventListener('click', () => void openApp(screen));
  byId('handover-start', HTMLButtonElement).addEventListener('click', () => void continueOnPc(screen));
  show('handover');
}

async function openApp(screen: HTMLElement): Promise<void> {
  try {
    const answer = await busy(screen, () => secureApi.handover('app'));
    if ('appLink' in answer) location.href = answer.appLink;
  } catch {
    showError(screen, 'secure.handover.appFailed');
  }
}

async function continueOnPc(screen: HTMLElement): Promise<void> {
  try {
    const answer = await busy(screen, () => secureApi.handover('pc'));
    if (!('code' in answer)) return;
    byId('handover-address', HTMLElement).textContent = `${location.origin}/secure/continue`;
    byId('handover-value', HTMLElement).textContent = answer.code;
    say(byId('handover-expires', HTMLElement), 'secure.handover.expires', { time: new Date(answer.expiresAt) });
    byId('handover-code', HTMLElement).hidden = false;
    showError(screen);
  } catch {
    showError(screen, 'secure.handover.failed');
  }
}
