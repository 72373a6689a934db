import type { Line } from './deskTypes';
import { el } from './dom';
import { formatDateTime, formatTime, text } from './i18n';
import { state } from './state';
import { ui } from './ui';

/** The open conversation's lines as shown, once each: a line may come both in the transcript and live. */
let shown: Line[] = [];
let seen = new Set<string>();

const keyOf = (line: Line) => `${line.from}\u0000${line.at}\u0000${line.agentId ?? ''}\u0000${line.text}`;

export function clearTranscript(): void {
  shown = [];
  seen = new Set();
  ui.transcript.replaceChildren();
}

/** Adds a line at the end, scrolling to it when the agent was reading the end (or wrote it). */
export function appendLine(line: Line, scroll = true): void {
  const key = keyOf(line);
  if (seen.has(key)) return;
  seen.add(key);
  shown.push(line);
  const transcript = ui.transcript;
  const nearBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
  transcript.append(renderLine(line));
  if (scroll && (nearBottom || line.from === 'agent')) scrollToEnd();
}

/** Draws the lines again, in the page's language now. */
export function redrawTranscript(): void {
  ui.transcript.replaceChildren(...shown.map(renderLine));
}

export function scrollToEnd(): void {
  ui.transcript.scrollTop = ui.transcript.scrollHeight;
}

function who(line: Line): string {
  if (line.from === 'agent' && line.agentId !== undefined) {
    return line.agentId === state.me
      ? text('desk.from.me', { agent: line.agentId })
      : text('desk.from.agentNamed', { agent: line.agentId });
  }
  if (line.from === 'customer' && state.detail?.maskedName) return text('desk.from.customerNamed', { name: state.detail.maskedName });
  return text(`desk.from.${line.from}`);
}

function renderLine(line: Line): HTMLLIElement {
  const self = line.from === 'agent' && line.agentId === state.me;
  return el(
    'li',
    { class: `entry entry-${line.from}${self ? ' entry-self' : ''}`, attrs: { 'data-testid': 'transcript-entry', 'data-from': line.from } },
    el(
      'div',
      { class: 'entry-meta' },
      el('span', { class: 'entry-who', text: who(line) }),
      el('time', {
        class: 'entry-time',
        text: formatTime(line.at),
        attrs: { datetime: new Date(line.at).toISOString(), title: formatDateTime(line.at) },
      }),
    ),
    el('p', { class: 'entry-text', text: line.text }),
  );
}
