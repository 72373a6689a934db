import type { CodeSent } from '../secureApi';
import { type CodeStep, secureApi } from './api';
import { say, type TextKey, unsay } from './i18n';
import { busy, byId, clicked, notice, screenOf, show, showError, submitted } from './ui';

/** A code on its way, and where to (masked). */
export type Sent = Extract<CodeSent, { readonly maskedPhone: string }>;

const REJECTED: Readonly<Record<Extract<CodeSent, { rejected: unknown }>['rejected'], TextKey>> = {
  mismatch: 'secure.identity.errors.mismatch',
  unsupportedCarrier: 'secure.identity.errors.unsupportedCarrier',
  other: 'secure.identity.errors.other',
};

/**
 * What an answer to "send a code" means here: the code went out, or the reason it did not, said
 * in `container` (too soon, the hour's limit, details that do not belong together); locked out
 * ends the step. Undefined unless sent.
 */
export function sentOrSaid(answer: CodeSent, container: ParentNode): Sent | undefined {
  if ('maskedPhone' in answer) {
    showError(container);
    return answer;
  }
  if ('locked' in answer) lockedUntil(answer.until);
  else if ('tooSoon' in answer) showError(container, 'secure.code.tooSoon', { seconds: secondsUntil(answer.retryAt) });
  else if ('hourlyLimit' in answer) showError(container, 'secure.code.hourlyLimit', { retryAt: new Date(answer.retryAt) });
  else showError(container, REJECTED[answer.rejected]);
  return undefined;
}

const secondsUntil = (at: number): number => Math.max(1, Math.ceil((at - Date.now()) / 1000));

const lockedUntil = (until: number): void => notice('secure.code.lockedTitle', 'secure.code.locked', { until: new Date(until) });

/**
 * The one-time code, sent to the phone (본인 인증) or to the phone on file (추가 인증, sent when
 * the customer asks): typed in a numeric field, sent again on request. Resolves once it is right.
 */
export async function verifyCode(step: CodeStep, send: () => Promise<CodeSent>, alreadySent?: Sent): Promise<void> {
  const screen = screenOf('code');
  const form = byId('code-form', HTMLFormElement);
  const input = byId('code', HTMLInputElement);
  show('code');
  const sent = alreadySent ?? (await firstSend(screen, send));
  showSent(sent);
  form.hidden = false;
  input.focus();

  const resending = new AbortController();
  byId('code-resend', HTMLButtonElement).addEventListener('click', () => void resend(screen, send), { signal: resending.signal });
  try {
    for (;;) {
      await submitted(form);
      const code = input.value.trim();
      if (!/^\d{6}$/.test(code)) {
        showError(screen, 'secure.code.format');
        continue;
      }
      const answer = await busy(screen, () => secureApi.verify(step, code));
      input.value = '';
      if ('verified' in answer) return;
      if ('locked' in answer) return lockedUntil(answer.until);
      if ('wrong' in answer) showError(screen, 'secure.code.wrong', { left: answer.attemptsLeft });
      else showError(screen, 'secure.code.expired');
    }
  } finally {
    resending.abort();
  }
}

async function firstSend(screen: ParentNode, send: () => Promise<CodeSent>): Promise<Sent> {
  const button = byId('code-send', HTMLButtonElement);
  button.hidden = false;
  for (;;) {
    await clicked(button);
    const sent = sentOrSaid(await busy(screen, send), screen);
    if (sent === undefined) continue;
    button.hidden = true;
    return sent;
  }
}

async function resend(screen: ParentNode, send: () => Promise<CodeSent>): Promise<void> {
  try {
    const sent = sentOrSaid(await busy(screen, send), screen);
    if (sent !== undefined) showSent(sent, 'secure.code.resent');
  } catch {
    showError(screen, 'secure.errors.generic');
  }
}

function showSent(sent: Sent, status: TextKey = 'secure.code.sent'): void {
  say(byId('code-status', HTMLElement), status, { phone: sent.maskedPhone });
  const sandbox = byId('sandbox-code', HTMLElement);
  if (sent.sandboxCode === undefined) unsay(sandbox);
  else say(sandbox, 'secure.code.sandbox', { code: sent.sandboxCode });
  sandbox.hidden = sent.sandboxCode === undefined;
}
