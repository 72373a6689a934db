// The secure step page (/secure/<ticket>, and /secure/continue): docs/secure-step.md. It opens its
// ticket, asks the step's consents, then does the step; secrets stay in this page.
import type { SecureStepKind } from '../../../dialogs/contract/secure';
import type { KeyStore } from '../../device/keyStore';
import type { SecureView } from '../secureApi';
import { ApiError, secureApi } from './api';
import { type BankAppBridge, bankAppBridge } from './bankBridge';
import { askConsents } from './consents';
import { continueHere } from './continuePage';
import { backToChat, cancelStep, finished, listKept } from './finish';
import { handOver } from './handover';
import { sayWith, setLanguage, showTexts, text } from './i18n';
import { verifyAdditional, verifyIdentity } from './identityStep';
import { isMessengerBrowser } from './inAppBrowser';
import { issueCertificate } from './issuance';
import { appKeyStore, downloadKeyStore } from './keyStore';
import { provePossession } from './possession';
import { sandboxBridge } from './sandboxBridge';
import { allowCancel, byId, notice } from './ui';

/** The steps that keep or use a certificate: never in a messaging app's browser, and only with WebCrypto. */
const DEVICE_STEPS: ReadonlySet<SecureStepKind> = new Set(['issuance', 'registration', 'renewal']);

async function openStep(ticket: string): Promise<void> {
  const view = await secureApi.open(ticket);
  setLanguage(view.language);
  showStepTitle(view);
  allowCancel();
  const bridge = bankAppBridge();
  if (DEVICE_STEPS.has(view.kind)) {
    if (bridge === undefined && isMessengerBrowser(navigator.userAgent)) return handOver();
    // WebCrypto is there only in a secure context (https, or loopback).
    if (globalThis.crypto?.subtle === undefined) return notice('secure.notice.unsupported.title', 'secure.notice.unsupported.text');
    if (view.sandbox && bridge === undefined) offerSandboxBridge();
  }
  await askConsents(view);
  await doStep(view, bridge, () => secureApi.open(ticket));
}

/** `reopened`: the step's view as it is now (a reload with the page's cookie). */
async function doStep(view: SecureView, bridge: BankAppBridge | undefined, reopened: () => Promise<SecureView>): Promise<void> {
  const store = bridge === undefined ? downloadKeyStore : appKeyStore(bridge);
  switch (view.kind) {
    case 'identity':
      await verifyIdentity();
      break;
    case 'additional':
      await verifyAdditional(view);
      break;
    case 'registration':
      if (!(await provePossession(view, store))) return;
      break;
    case 'renewal':
      if (view.proven !== true && !(await provePossession(view, store))) return;
      // A renewal by key learns from the proof which certificate it renews: a 범용 one's fee is agreed now.
      await askConsents(await reopened());
      await issue(store);
      break;
    case 'issuance':
      await issue(store);
      break;
  }
  if (bridge === sandboxBridge && view.kind !== 'registration') await listKept();
  finished(view.kind);
}

/** Keys are made from here on: trying the sandbox's bridge (a reload) is offered no more. */
function issue(store: KeyStore): Promise<void> {
  byId('sandbox-try', HTMLElement).hidden = true;
  return issueCertificate(store);
}

function showStepTitle(view: SecureView): void {
  const title = byId('step-title', HTMLElement);
  const { maskedName } = view;
  const kind = `secure.kinds.${view.kind}` as const;
  sayWith(title, () => (maskedName === undefined ? text(kind) : text('secure.stepFor', { kind: text(kind), name: maskedName })));
  title.hidden = false;
}

/** The sandbox: the in-app path (the bridge kept in IndexedDB) can be tried from a desktop browser. */
function offerSandboxBridge(): void {
  const link = byId('sandbox-try-link', HTMLAnchorElement);
  const address = new URL(location.href);
  address.searchParams.set('bridge', 'sandbox');
  link.href = address.pathname + address.search;
  byId('sandbox-try', HTMLElement).hidden = false;
}

/** What the customer is told when the page cannot go on: the ticket's state, or a fault. */
function explain(error: unknown): void {
  if (!(error instanceof ApiError)) {
    console.error(error);
    return notice('secure.notice.failed.title', 'secure.notice.failed.text');
  }
  if (error.code === 'network') return notice('secure.notice.network.title', 'secure.notice.network.text');
  if (error.code === 'used') return notice('secure.notice.used.title', 'secure.notice.used.text');
  if (error.status === 410) return notice('secure.notice.expired.title', 'secure.notice.expired.text');
  if (error.status === 404) return notice('secure.notice.unknown.title', 'secure.notice.unknown.text');
  if (error.status === 401) return notice('secure.notice.session.title', 'secure.notice.session.text');
  notice('secure.notice.failed.title', 'secure.notice.failed.text');
}

/** The page's work: any failure it did not handle ends on a notice that says what to do. */
const run = (work: Promise<void> | void): void => void Promise.resolve(work).catch(explain);

// No form ever navigates (it would put what was typed in the address): each step reads its form.
document.addEventListener('submit', (event) => event.preventDefault(), true);
showTexts();
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-language]')) {
  button.addEventListener('click', () => {
    const next = button.dataset.language;
    if (next === 'ko' || next === 'en') setLanguage(next);
  });
}
for (const button of document.querySelectorAll('[data-action="back"]')) button.addEventListener('click', backToChat);
byId('cancel', HTMLButtonElement).addEventListener('click', () => run(cancelStep()));

// The last path segment is the ticket (or 'continue'); a trailing slash is tolerated.
const segments = location.pathname.split('/').filter((segment) => segment !== '');
const last = segments.at(-1) ?? '';
if (segments.length === 2 && last === 'continue') run(continueHere());
else run(openStep(decodeURIComponent(last)));
