import { el } from './dom';
import { formatDuration, text } from './i18n';
import { serverNow } from './serverClock';

/** A customer silent this long is marked idle. */
const IDLE_AFTER_MS = 5 * 60 * 1000;

/** The dataset of an element that shows how long the conversation has waited, counting up. */
export const ticksWaiting = (since: number): Record<string, string> => ({ tick: 'wait', since: String(since) });

/** Shown once the customer has been silent for IDLE_AFTER_MS (unless the conversation ended or they left). */
export const idleTag = (lastCustomerAt: number | undefined): HTMLElement =>
  el('span', { class: 'tag tag-idle', hidden: true, dataset: { tick: 'idle', since: String(lastCustomerAt ?? '') } });

/** Updates every ticking label once a second, without re-rendering. */
export function tick(): void {
  const now = serverNow();
  for (const node of document.querySelectorAll<HTMLElement>('[data-tick]')) {
    const since = Number(node.dataset.since);
    if (!node.dataset.since || Number.isNaN(since)) continue;
    if (node.dataset.tick === 'wait') {
      node.textContent = text('desk.ticker.waiting', { duration: formatDuration(now - since) });
    } else if (node.dataset.tick === 'idle') {
      const idle = now - since > IDLE_AFTER_MS && node.closest('.is-left, .is-ended') === null;
      node.hidden = !idle;
      if (idle) node.textContent = text('desk.ticker.idle', { minutes: Math.floor((now - since) / 60000) });
    }
  }
}
