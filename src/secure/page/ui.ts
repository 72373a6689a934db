import { type Params, say, type TextKey, unsay } from './i18n';

/** An element of index.html by id, of the kind the page expects (a missing one is a bug in the page). */
export function byId<T extends HTMLElement>(id: string, kind: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`the secure page has no #${id}`);
  return node;
}

/** A copy of one of index.html's <template>s' first element. */
export function fromTemplate(id: string): HTMLElement {
  const first = byId(id, HTMLTemplateElement).content.firstElementChild;
  if (!(first instanceof HTMLElement)) throw new Error(`the secure page's #${id} is empty`);
  return first.cloneNode(true) as HTMLElement;
}

/** A descendant of a screen or form; a missing one is a bug in the page. */
export function within<T extends Element>(parent: ParentNode, selector: string, kind: abstract new () => T): T {
  const node = parent.querySelector(selector);
  if (!(node instanceof kind)) throw new Error(`the secure page has no ${selector} there`);
  return node;
}

export type Screen =
  | 'loading'
  | 'notice'
  | 'done'
  | 'consents'
  | 'identity'
  | 'code'
  | 'progress'
  | 'password'
  | 'save'
  | 'files'
  | 'bridge'
  | 'handover'
  | 'continue';

/** A screen's section in index.html. */
export function screenOf(screen: Screen): HTMLElement {
  return within(document, `[data-screen="${screen}"]`, HTMLElement);
}

let over = false;
let cancellable = false;

/** Shows one screen and moves focus to its heading; once the step is over, nothing replaces the last screen. */
export function show(screen: Screen): void {
  if (over) return;
  for (const node of document.querySelectorAll<HTMLElement>('[data-screen]')) node.hidden = node.dataset.screen !== screen;
  byId('cancel-bar', HTMLElement).hidden = !cancellable || screen === 'bridge';
  document.querySelector<HTMLElement>(`[data-screen="${screen}"] h1`)?.focus();
}

/** The step is open on the server from now on: the customer may cancel it. */
export function allowCancel(): void {
  cancellable = true;
}

/** The last screen: the step completed, or cannot go on here; the first to end the step stays. */
export function end(screen: 'notice' | 'done'): void {
  if (over) return;
  cancellable = false;
  show(screen);
  over = true;
}

export const isOver = (): boolean => over;

/** Ends on the notice screen with a title and a text. */
export function notice(title: TextKey, body: TextKey, params?: Params): void {
  if (over) return;
  say(byId('notice-title', HTMLElement), title, params);
  say(byId('notice-text', HTMLElement), body, params);
  end('notice');
}

/** The error line of a form or screen: shown with a text, or hidden when key is undefined. */
export function showError(container: ParentNode, key?: TextKey, params?: Params): void {
  const line = within(container, '.error', HTMLElement);
  if (key === undefined) unsay(line);
  else say(line, key, params);
  line.hidden = key === undefined;
}

/** The next submission of a form (the page never lets a form navigate: main.ts stops them all). */
export function submitted(form: HTMLFormElement): Promise<void> {
  return new Promise((resolve) => form.addEventListener('submit', () => resolve(), { once: true }));
}

export function clicked(button: HTMLElement): Promise<void> {
  return new Promise((resolve) => button.addEventListener('click', () => resolve(), { once: true }));
}

/** Runs work with the container's buttons disabled, so nothing is sent twice. */
export async function busy<T>(container: ParentNode, work: () => Promise<T>): Promise<T> {
  const buttons = [...container.querySelectorAll<HTMLButtonElement>('button')];
  for (const button of buttons) button.disabled = true;
  try {
    return await work();
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}
