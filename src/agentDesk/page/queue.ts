import { api, ApiError } from './api';
import { errorMessage, showBanner } from './banner';
import { renderTransferOptions } from './conversationView';
import { renderLists } from './queueView';
import { findSummary, state } from './state';

let reload: ReturnType<typeof setTimeout> | undefined;

/** Loads the lists again. */
export async function refreshQueue(): Promise<void> {
  try {
    const queue = await api.queue();
    state.waiting = queue.waiting;
    state.mine = queue.mine;
    state.others = queue.others ?? null;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status !== 401) showBanner(errorMessage(error.code, error.status));
    return;
  }
  for (const id of state.unread) if (findSummary(id) === undefined) state.unread.delete(id);
  renderLists();
}

/** Loads the lists again soon: several events in a row make one load. */
export function reloadQueueSoon(delay = 150): void {
  clearTimeout(reload);
  reload = setTimeout(() => void refreshQueue(), delay);
}

export function cancelQueueReload(): void {
  clearTimeout(reload);
}

/** The agents one may transfer to. */
export async function refreshAgents(): Promise<void> {
  try {
    state.agents = (await api.agents()).agents.map((agent) => agent.id);
  } catch {
    state.agents = [];
  }
  renderTransferOptions();
}
