import { api, ApiError } from './api';
import { errorMessage, hideErrorBanner, showBanner } from './banner';
import { renderConversation, showPane } from './conversationView';
import type { Detail, EndMode } from './deskTypes';
import { text } from './i18n';
import { reloadQueueSoon, refreshQueue } from './queue';
import { renderLists } from './queueView';
import { isMine, state } from './state';
import { appendLine, clearTranscript, scrollToEnd } from './transcriptView';
import { ui } from './ui';

type Focus = 'title' | 'reply' | 'none';

/** Opens a conversation in the pane (from a list, or again after the stream was interrupted). */
export async function openConversation(id: string, focus: Focus = 'title'): Promise<void> {
  const seq = ++state.openSeq;
  if (state.openId !== id) {
    state.openId = id;
    state.detail = null;
    state.pending = [];
    clearTranscript();
  }
  state.unread.delete(id);
  renderLists();
  let detail: Detail;
  try {
    detail = (await api.conversation(id)).conversation;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (seq !== state.openSeq || error.status === 401) return;
    showBanner(errorMessage(error.code, error.status));
    closeConversation();
    reloadQueueSoon(0);
    return;
  }
  if (seq === state.openSeq) showDetail(detail, focus);
}

function showDetail(detail: Detail, focus: Focus): void {
  if (state.openId !== detail.id) state.pending = [];
  state.openId = detail.id;
  state.detail = detail;
  clearTranscript();
  for (const line of [...detail.transcript, ...state.pending]) appendLine(line, false);
  state.pending = [];
  renderConversation(detail);
  scrollToEnd();
  showPane(true);
  renderLists();
  if (focus === 'reply' && !ui.replyInput.disabled) ui.replyInput.focus();
  else if (focus === 'title') ui.title.focus({ preventScroll: true });
}

export function closeConversation(): void {
  state.openSeq++;
  state.openId = null;
  state.detail = null;
  state.pending = [];
  clearTranscript();
  showPane(false);
}

/** One action at a time: a second click while one runs does nothing. */
async function whileBusy(action: () => Promise<void>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  document.body.classList.add('is-busy');
  try {
    await action();
  } finally {
    state.busy = false;
    document.body.classList.remove('is-busy');
  }
}

/** Runs an action's call: its answer, or undefined once the failure is shown (a conflict also reloads the lists). */
async function act<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    const answer = await call();
    hideErrorBanner();
    return answer;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return undefined; // the sign-in form is shown
    showBanner(errorMessage(error.code, error.status));
    if (error.code === 'alreadyTaken' || error.code === 'notFound' || error.code === 'notYours') reloadQueueSoon(0);
    return undefined;
  }
}

export function takeConversation(id: string): Promise<void> {
  return whileBusy(async () => {
    const answer = await act(() => api.take(id));
    if (answer === undefined) return;
    state.openSeq++;
    showDetail(answer.conversation, 'reply');
    await refreshQueue();
  });
}

export async function reply(): Promise<void> {
  const input = ui.replyInput;
  const message = input.value.trim();
  const id = state.openId;
  if (message === '' || id === null || input.disabled) return;
  ui.replySend.disabled = true;
  try {
    const answer = await act(() => api.reply(id, message));
    if (answer === undefined) return;
    if (input.value.trim() === message) input.value = '';
    if (state.openId === id && answer.entry.from === 'agent') appendLine(answer.entry);
  } finally {
    ui.replySend.disabled = !isMine(state.detail) || state.detail?.status === 'ended';
    input.focus();
  }
}

export function endConversation(mode: EndMode): Promise<void> {
  const id = state.openId;
  if (id === null) return Promise.resolve();
  return whileBusy(async () => {
    if ((await act(() => api.end(id, mode))) === undefined) return;
    if (state.openId === id) closeConversation();
    state.unread.delete(id);
    showBanner(text(`desk.end.done.${mode}`), 'info');
    await refreshQueue();
  });
}

export async function transfer(): Promise<void> {
  const id = state.openId;
  const to = ui.transferTo.value;
  const note = ui.transferNote.value.trim();
  if (id === null) return;
  if (to === '') {
    showBanner(text('desk.transfer.missing'));
    ui.transferTo.focus();
    return;
  }
  await whileBusy(async () => {
    if ((await act(() => api.transfer(id, to, note))) === undefined) return;
    ui.transferNote.value = '';
    ui.transferTo.value = '';
    if (state.openId === id) closeConversation();
    state.unread.delete(id);
    showBanner(text('desk.transfer.done', { agent: to }), 'info');
    await refreshQueue();
  });
}
