// The agent desk (/agent): the queue, the conversation an agent holds, live events. Wires the
// page's controls to the modules that act on them, then resumes the session or asks to sign in.
import { api } from './api';
import { hideBanner } from './banner';
import { endConversation, openConversation, reply, takeConversation, transfer } from './conversation';
import { renderConversation, renderTransferOptions } from './conversationView';
import { redrawConnection } from './eventStream';
import { setLanguage, showPageTexts } from './i18n';
import { renderLists } from './queueView';
import { resumeSession, sessionEnded, signIn, signOut } from './session';
import { state } from './state';
import { tick } from './tickers';
import { redrawTranscript } from './transcriptView';
import { ui } from './ui';

const TICK_MS = 1000;

/** The page's own failures go to the console, as any script error would. */
const run = (work: Promise<void> | void): void => void Promise.resolve(work).catch((error: unknown) => console.error(error));

const handle =
  <E extends Event>(handler: (event: E) => Promise<void> | void) =>
  (event: E): void =>
    run(handler(event));

const submit = (action: () => Promise<void>) =>
  handle((event: SubmitEvent) => {
    event.preventDefault();
    return action();
  });

/** A list item's buttons: open the conversation, or take it (queued ones). */
function onListClick(event: MouseEvent): Promise<void> | void {
  const target = event.target instanceof Element ? event.target : null;
  const id = target?.closest<HTMLElement>('.conv-item')?.dataset.id;
  if (id === undefined) return;
  if (target?.closest('.ci-take') !== null) return takeConversation(id);
  if (target?.closest('.ci-open') !== null) return openConversation(id);
}

function switchLanguage(button: HTMLButtonElement): void {
  const next = button.dataset.language;
  if (next !== 'ko' && next !== 'en') return;
  setLanguage(next);
  showPageTexts();
  redrawConnection();
  renderLists();
  renderTransferOptions();
  if (state.detail !== null) renderConversation(state.detail);
  redrawTranscript();
}

api.onSessionEnded(sessionEnded);
showPageTexts();
ui.loginForm.addEventListener('submit', submit(signIn));
ui.signOut.addEventListener('click', handle(signOut));
ui.bannerClose.addEventListener('click', hideBanner);
for (const list of [ui.waitingList, ui.mineList, ui.othersList]) list.addEventListener('click', handle(onListClick));
ui.headActions.addEventListener(
  'click',
  handle((event: MouseEvent) => {
    const take = event.target instanceof Element && event.target.closest('.conv-take') !== null;
    if (take && state.detail !== null) return takeConversation(state.detail.id);
  }),
);
ui.replyForm.addEventListener('submit', submit(reply));
ui.replyInput.addEventListener('keydown', (event) => {
  // Enter sends; Shift+Enter is a new line, and Enter while composing Hangul ends the syllable.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    ui.replyForm.requestSubmit();
  }
});
ui.transferForm.addEventListener('submit', submit(transfer));
for (const button of ui.endButtons) {
  button.addEventListener(
    'click',
    handle(() => {
      const mode = button.dataset.mode;
      if (mode === 'resume' || mode === 'menu' || mode === 'close') return endConversation(mode);
    }),
  );
}
for (const button of ui.languageButtons) button.addEventListener('click', () => switchLanguage(button));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !ui.banner.hidden) hideBanner();
});
setInterval(tick, TICK_MS);
run(resumeSession());
