import type { Detail } from './deskTypes';
import { el } from './dom';
import { formatDateTime, formatTime, text } from './i18n';
import { customerName, journeyLabel, languageLabel, reasonLabel, statusLabel } from './labels';
import { isMine, state } from './state';
import { idleTag, tick, ticksWaiting } from './tickers';
import { ui } from './ui';

/** Shows the pane with a conversation, or the placeholder. */
export function showPane(open: boolean): void {
  ui.conversation.hidden = !open;
  ui.placeholder.hidden = open;
}

/** Everything about the open conversation but its transcript: header, state line, details, notes and controls. */
export function renderConversation(d: Detail): void {
  const mine = isMine(d);
  const ended = d.status === 'ended';
  const left = d.customerLeft === true;

  ui.conversation.classList.toggle('is-ended', ended);
  ui.conversation.classList.toggle('is-left', left);
  ui.title.textContent = customerName(d);
  ui.subtitle.textContent = [journeyLabel(d.journey), d.step, reasonLabel(d.reason)].filter(Boolean).join(' · ');
  ui.headActions.replaceChildren(
    ...(d.status === 'queued'
      ? [
          el('button', {
            class: 'btn btn-primary conv-take',
            text: text('desk.conversation.take'),
            attrs: { type: 'button', 'data-testid': 'conv-take' },
          }),
        ]
      : []),
  );

  const notices = [
    ended ? text('desk.notice.ended') : d.status === 'queued' ? text('desk.notice.queued') : mine ? '' : heldBy(d.agentId),
    left ? text('desk.notice.customerLeft') : '',
  ].filter(Boolean);
  ui.notice.textContent = notices.join(' ');
  ui.notice.hidden = notices.length === 0;
  ui.notice.dataset.kind = left || ended ? 'warn' : 'info';

  renderDetails(d, ended || left);
  renderNotes(d);

  ui.endSection.hidden = !mine;
  ui.transferSection.hidden = !mine;
  const canReply = mine && !ended;
  ui.replyInput.disabled = !canReply;
  ui.replySend.disabled = !canReply;
  ui.composerHint.hidden = canReply && !left;
  ui.composerHint.textContent = text(
    canReply ? 'desk.composer.customerLeft' : d.status === 'queued' ? 'desk.composer.queued' : 'desk.composer.closed',
  );
  if (mine) renderTransferOptions();
  tick();
}

const heldBy = (agentId: string | undefined) =>
  agentId ? text('desk.notice.heldBy', { agent: agentId }) : text('desk.notice.heldByOther');

function renderDetails(d: Detail, over: boolean): void {
  const row = (term: string, ...value: (Node | string)[]) =>
    el('div', { class: 'meta-row' }, el('dt', { text: term }), el('dd', {}, ...value));
  ui.meta.replaceChildren(
    row(text('desk.meta.customer'), customerName(d)),
    row(text('desk.meta.journey'), journeyLabel(d.journey)),
    row(text('desk.meta.step'), d.step || '—'),
    row(text('desk.meta.reason'), reasonLabel(d.reason)),
    row(text('desk.meta.language'), languageLabel(d.language)),
    row(text('desk.meta.status'), statusLabel(d.status)),
    row(text('desk.meta.agent'), d.agentId || '—'),
    row(text('desk.meta.queuedAt'), d.queuedAt ? formatDateTime(d.queuedAt) : '—'),
  );
  if (d.status === 'queued') {
    ui.meta.append(
      el('div', { class: 'meta-row' }, el('dt', { text: text('desk.meta.waited') }), el('dd', { dataset: ticksWaiting(d.queuedAt) })),
    );
  }
  if (!over && d.lastCustomerAt !== undefined) {
    ui.meta.append(row(text('desk.meta.lastReply'), formatTime(d.lastCustomerAt), ' ', idleTag(d.lastCustomerAt)));
  }
}

function renderNotes(d: Detail): void {
  ui.notesSection.hidden = d.notes.length === 0;
  ui.notes.replaceChildren(
    ...d.notes.map((note) =>
      el(
        'li',
        { class: 'note' },
        el(
          'div',
          { class: 'note-head' },
          el('span', { class: 'note-from', text: note.from }),
          el('time', {
            class: 'note-time',
            text: formatTime(note.at),
            attrs: { datetime: new Date(note.at).toISOString(), title: formatDateTime(note.at) },
          }),
        ),
        el('p', { class: 'note-text', text: note.text }),
      ),
    ),
  );
}

/** The agents one may transfer the open conversation to: everyone but oneself. */
export function renderTransferOptions(): void {
  const select = ui.transferTo;
  const previous = select.value;
  const others = state.agents.filter((id) => id !== state.me);
  select.replaceChildren(
    el('option', { text: text(others.length > 0 ? 'desk.transfer.choose' : 'desk.transfer.nobody'), attrs: { value: '' } }),
    ...others.map((id) => el('option', { text: id, attrs: { value: id } })),
  );
  if (others.includes(previous)) select.value = previous;
}
