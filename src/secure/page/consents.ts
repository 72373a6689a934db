import type { ConsentTerm, SecureView } from '../secureApi';
import { secureApi } from './api';
import { say } from './i18n';
import { busy, byId, fromTemplate, show, showError, submitted, within } from './ui';

/**
 * The step's consents, each shown with its version and to be checked, before anything else of the
 * step; the server records them with version and time. The 범용 fee names the withdrawal account.
 * Consents given before a reload are not asked again.
 */
export async function askConsents(view: SecureView): Promise<void> {
  if (view.consents.every((consent) => view.accepted.includes(consent.id))) return;
  const form = byId('consents-form', HTMLFormElement);
  // Asked again once a renewal's proof named the certificate (a 범용 one's fee): the list is the view's, afresh.
  byId('consent-list', HTMLElement).replaceChildren();
  const boxes = view.consents.map((consent) => addConsent(consent, view));
  show('consents');
  for (;;) {
    await submitted(form);
    if (boxes.some((box) => !box.checked)) {
      showError(form, 'secure.consents.missing');
      continue;
    }
    showError(form);
    await busy(form, () => secureApi.consent(view.consents));
    return;
  }
}

function addConsent(consent: ConsentTerm, view: SecureView): HTMLInputElement {
  const item = fromTemplate('consent-item');
  item.dataset.consent = consent.id;
  const fee = { amount: (view.fee?.amount ?? 0).toLocaleString('ko-KR'), account: view.fee?.account ?? '' };
  say(within(item, '.consent-text', HTMLElement), `secure.consents.${consent.id}`, fee);
  say(within(item, '.consent-version', HTMLElement), 'secure.consents.version', { version: consent.version });
  byId('consent-list', HTMLElement).append(item);
  const box = within(item, 'input', HTMLInputElement);
  box.checked = view.accepted.includes(consent.id);
  return box;
}
