import type { SecureStepKind } from '../../../dialogs/contract/secure';
import { secureApi } from './api';
import { say, sayWith } from './i18n';
import { CLOSE_OVERLAY } from './overlayMessage';
import { describe, keptCertificates } from './sandboxBridge';
import { byId, end, isOver, notice } from './ui';

/** The step is done: the chat goes on by itself; the customer only needs to go back to it. */
export function finished(kind: SecureStepKind): void {
  say(byId('done-text', HTMLElement), `secure.done.${kind}`);
  end('done');
}

/** Leaving the step on purpose: the chat goes on at that step. */
export async function cancelStep(): Promise<void> {
  if (isOver()) return;
  await secureApi.cancel();
  notice('secure.cancelled.title', 'secure.cancelled.text');
}

/**
 * Back to the chat: the chat page's overlay closes when asked; a window a page opened closes
 * itself. Elsewhere (a messenger's browser) the screen already says to close it.
 */
export function backToChat(): void {
  if (window.parent !== window) window.parent.postMessage({ type: CLOSE_OVERLAY }, location.origin);
  else window.close();
}

/** The sandbox's "app" after issuance: the certificates it now keeps. */
export async function listKept(): Promise<void> {
  const list = byId('app-store-list', HTMLElement);
  for (const kept of await keptCertificates()) {
    const item = document.createElement('li');
    sayWith(item, await describe(kept));
    list.append(item);
  }
  byId('app-store', HTMLElement).hidden = false;
}
