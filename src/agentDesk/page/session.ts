import { api, ApiError } from './api';
import { errorMessage, hideBanner, showBanner } from './banner';
import { closeConversation, openConversation } from './conversation';
import { EventStream } from './eventStream';
import { text } from './i18n';
import { applyEvent } from './liveEvents';
import { cancelQueueReload, refreshAgents, refreshQueue, reloadQueueSoon } from './queue';
import { renderLists } from './queueView';
import { state } from './state';
import { ui } from './ui';

/** The lists are loaded again this often whatever the stream says, in case an event was lost. */
const SAFETY_REFRESH_MS = 30 * 1000;

const stream = new EventStream({
  onEvent: applyEvent,
  onReconnected: () => {
    reloadQueueSoon(0);
    if (state.openId !== null) void openConversation(state.openId, 'none');
  },
  stillSignedIn: () =>
    api.me().then(
      () => true,
      (error: unknown) => !(error instanceof ApiError && error.status === 401),
    ),
});
let safetyRefresh: ReturnType<typeof setInterval> | undefined;

function startLive(): void {
  stream.start();
  clearInterval(safetyRefresh);
  safetyRefresh = setInterval(() => void refreshQueue(), SAFETY_REFRESH_MS);
}

function stopLive(): void {
  stream.stop();
  clearInterval(safetyRefresh);
  cancelQueueReload();
}

function showView(view: 'loading' | 'login' | 'desk'): void {
  ui.loadingView.hidden = view !== 'loading';
  ui.loginView.hidden = view !== 'login';
  ui.deskView.hidden = view !== 'desk';
}

/** The sign-in form, everything of the last agent forgotten. */
export function showSignIn(message?: string): void {
  stopLive();
  state.me = null;
  state.waiting = [];
  state.mine = [];
  state.others = null;
  state.unread.clear();
  closeConversation();
  renderLists();
  showView('login');
  if (message !== undefined) showBanner(message);
  ui.loginPassword.value = '';
  ui.loginSubmit.disabled = false;
  (ui.loginId.value ? ui.loginPassword : ui.loginId).focus();
}

async function showDesk(agentId: string): Promise<void> {
  state.me = agentId;
  ui.signedInAs.textContent = agentId;
  showView('desk');
  await Promise.all([refreshQueue(), refreshAgents()]);
  startLive();
}

export async function signIn(): Promise<void> {
  const id = ui.loginId.value.trim();
  const password = ui.loginPassword.value;
  if (id === '' || password === '') {
    showBanner(text('desk.login.missing'));
    (id === '' ? ui.loginId : ui.loginPassword).focus();
    return;
  }
  ui.loginSubmit.disabled = true;
  try {
    const { agentId } = await api.signIn(id, password);
    hideBanner();
    ui.loginPassword.value = '';
    await showDesk(agentId);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showBanner(errorMessage(error.code, error.status));
    ui.loginPassword.value = '';
    ui.loginPassword.focus();
  } finally {
    ui.loginSubmit.disabled = false;
  }
}

export async function signOut(): Promise<void> {
  stopLive();
  await api.signOut().catch(() => undefined); // signed out either way
  showSignIn();
  showBanner(text('desk.signedOut'), 'info');
}

/** A call was refused for want of a session (expired, or signed out elsewhere): sign in again. */
export function sessionEnded(): void {
  showSignIn(state.me !== null ? text('desk.errors.signInRequired') : undefined);
}

/** The desk if this browser's session holds, else the sign-in form. */
export async function resumeSession(): Promise<void> {
  showView('loading');
  try {
    const { agentId } = await api.me();
    await showDesk(agentId);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status !== 401) {
      showSignIn();
      showBanner(errorMessage(error.code, error.status));
    }
  }
}
