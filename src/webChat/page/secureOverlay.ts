import { CLOSE_OVERLAY } from '../../secure/page/overlayMessage';

/** As much of Web Chat's card action middleware as the page uses. */
type PerformCardAction = (request: { readonly cardAction: { readonly type: string; readonly value?: unknown } }) => unknown;
export type CardActionMiddleware = () => (next: PerformCardAction) => PerformCardAction;

export interface OverlayTexts {
  readonly secureTitle: string;
  readonly secureClose: string;
}

/**
 * The bot's open-URL buttons to the secure step (/secure/…) open it over the chat, in a frame, when
 * the secure page is served from this page's origin: the chat stays where it is. From another
 * origin (SECURE_ORIGIN set apart) they open as Web Chat opens any link, in a new window.
 */
export function secureStepInOverlay(texts: () => OverlayTexts): CardActionMiddleware {
  return () => (next) => (request) => {
    const { type, value } = request.cardAction;
    const url = type === 'openUrl' && typeof value === 'string' ? new URL(value, location.href) : undefined;
    if (url === undefined || url.origin !== location.origin || !url.pathname.startsWith('/secure/')) return next(request);
    openOverlay(url, texts());
    return undefined;
  };
}

function openOverlay(url: URL, texts: OverlayTexts): void {
  document.querySelector('.secure-overlay')?.remove();
  const overlay = document.createElement('div');
  overlay.className = 'secure-overlay';
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'true');
  overlay.setAttribute('aria-label', texts.secureTitle);
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'secure-overlay-close';
  close.textContent = texts.secureClose;
  const frame = document.createElement('iframe');
  frame.title = texts.secureTitle;
  frame.referrerPolicy = 'no-referrer';
  frame.src = url.href;
  overlay.append(close, frame);
  document.body.append(overlay);

  const listening = new AbortController();
  const closeOverlay = (): void => {
    listening.abort();
    overlay.remove();
  };
  close.addEventListener('click', closeOverlay, { signal: listening.signal });
  document.addEventListener('keydown', (event) => event.key === 'Escape' && closeOverlay(), { signal: listening.signal });
  // The secure page asks to go back to the chat: only that frame, only from this origin.
  window.addEventListener(
    'message',
    (event: MessageEvent<unknown>) => {
      const asked = typeof event.data === 'object' && event.data !== null && (event.data as { type?: unknown }).type === CLOSE_OVERLAY;
      if (asked && event.origin === location.origin && event.source === frame.contentWindow) closeOverlay();
    },
    { signal: listening.signal },
  );
  frame.focus();
}
