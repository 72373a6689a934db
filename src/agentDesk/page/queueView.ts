import type { Summary } from './deskTypes';
import { el } from './dom';
import { formatDateTime, text } from './i18n';
import { customerName, journeyLabel, languageLabel, reasonLabel } from './labels';
import { state } from './state';
import { idleTag, tick, ticksWaiting } from './tickers';
import { ui } from './ui';

type ListName = 'queue-item' | 'mine-item' | 'others-item';

/** The three lists (waiting, mine, others'), their counts, and the unread count in the tab's title. Clicks are main's to handle. */
export function renderLists(): void {
  // Re-rendering replaces the list buttons: keep keyboard focus where it was.
  const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const activeItem = active?.closest<HTMLElement>('.conv-item');
  const refocus = activeItem
    ? { list: activeItem.dataset.testid, id: activeItem.dataset.id, take: active?.classList.contains('ci-take') }
    : null;

  renderList(ui.waitingList, state.waiting, 'queue-item');
  renderList(ui.mineList, state.mine, 'mine-item');
  renderList(ui.othersList, state.others ?? [], 'others-item');

  if (refocus) {
    const item = [...document.querySelectorAll<HTMLElement>(`.conv-item[data-testid="${refocus.list}"]`)].find(
      (node) => node.dataset.id === refocus.id,
    );
    item?.querySelector<HTMLElement>(refocus.take ? '.ci-take' : '.ci-open')?.focus({ preventScroll: true });
  }
  ui.waitingCount.textContent = String(state.waiting.length);
  ui.mineCount.textContent = String(state.mine.length);
  ui.othersCount.textContent = String(state.others?.length ?? 0);
  ui.othersSection.hidden = state.others === null;
  // Only a supervisor is given the others' list, and only a supervisor may open the funnel.
  ui.opsLink.hidden = state.others === null;
  ui.waitingEmpty.hidden = state.waiting.length > 0;
  ui.mineEmpty.hidden = state.mine.length > 0;
  showUnreadInTitle();
  tick();
}

function showUnreadInTitle(): void {
  const unread = state.unread.size;
  document.title = `${unread > 0 ? `(${unread}) ` : ''}${text('desk.title')}`;
}

function renderList(list: HTMLUListElement, items: readonly Summary[], name: ListName): void {
  const sorted = [...items].sort((a, b) => a.queuedAt - b.queuedAt);
  list.replaceChildren(...sorted.map((c) => renderItem(c, name)));
}

function renderItem(c: Summary, name: ListName): HTMLLIElement {
  const waiting = name === 'queue-item';
  const unread = state.unread.has(c.id);
  const selected = c.id === state.openId;

  const flags = el(
    'span',
    { class: 'ci-flags' },
    el('span', { class: `tag tag-reason tag-${c.reason}`, text: reasonLabel(c.reason) }),
    c.customerLeft === true && el('span', { class: 'tag tag-left', text: text('desk.item.left') }),
    idleTag(c.lastCustomerAt),
    unread && el('span', { class: 'tag tag-unread', text: text('desk.item.unread') }),
  );
  const heldBy = name === 'others-item' && c.agentId !== undefined ? text('desk.item.heldBy', { agent: c.agentId }) : '';
  const open = el(
    'button',
    { class: 'ci-open', attrs: { type: 'button', 'aria-current': selected ? 'true' : undefined } },
    el(
      'span',
      { class: 'ci-top' },
      el('span', { class: 'ci-name', text: customerName(c) }),
      el('span', { class: 'lang-badge', text: c.language.toUpperCase(), attrs: { lang: 'en', title: languageLabel(c.language) } }),
      waiting &&
        el('span', {
          class: 'ci-wait',
          dataset: ticksWaiting(c.queuedAt),
          attrs: { title: text('desk.item.waitingSince', { time: formatDateTime(c.queuedAt) }) },
        }),
    ),
    el('span', { class: 'ci-journey', text: [journeyLabel(c.journey), c.step, heldBy].filter(Boolean).join(' · ') }),
    flags,
  );

  const item = el(
    'li',
    {
      class: `conv-item${selected ? ' is-selected' : ''}${unread ? ' is-unread' : ''}${c.customerLeft === true ? ' is-left' : ''}`,
      attrs: { 'data-testid': name, 'data-id': c.id },
    },
    open,
  );
  if (waiting) {
    item.append(
      el('button', {
        class: 'btn btn-primary btn-small ci-take',
        text: text('desk.item.take'),
        attrs: { type: 'button', 'data-testid': 'take', 'aria-label': text('desk.item.takeLabel', { name: customerName(c) }) },
      }),
    );
  }
  return item;
}
