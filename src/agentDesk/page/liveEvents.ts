import { renderConversation } from './conversationView';
import type { DeskEvent } from './deskTypes';
import { showBanner } from './banner';
import { text } from './i18n';
import { reloadQueueSoon } from './queue';
import { renderLists } from './queueView';
import { findSummary, state, updateSummary } from './state';
import { appendLine } from './transcriptView';

/** What the page does with each live event: lists, the open conversation, a notice. */
export function applyEvent(event: DeskEvent): void {
  switch (event.type) {
    case 'queueChanged':
      reloadQueueSoon();
      break;

    case 'message': {
      const { id, entry } = event;
      if (entry.from === 'customer') {
        updateSummary(id, { lastCustomerAt: entry.at });
        if (state.detail?.id === id) state.detail.lastCustomerAt = entry.at;
      }
      // The bot's and the system's lines come as keys: they show when the conversation is opened.
      const line = entry.from === 'customer' || entry.from === 'agent' ? entry : undefined;
      if (id === state.openId) {
        if (state.detail === null) {
          if (line !== undefined) state.pending.push(line);
        } else if (line !== undefined) {
          appendLine(line);
          if (entry.from === 'customer') renderConversation(state.detail);
        }
      } else if (findSummary(id) !== undefined) {
        state.unread.add(id);
      }
      renderLists();
      break;
    }

    case 'customerLeft':
      updateSummary(event.id, { customerLeft: true });
      if (state.detail?.id === event.id) {
        state.detail.customerLeft = true;
        renderConversation(state.detail);
      }
      renderLists();
      break;

    case 'transferred':
      if (event.to === state.me && event.from !== state.me) {
        state.unread.add(event.id);
        showBanner(text('desk.transfer.received', { agent: event.from }), 'info');
      }
      if (event.id === state.openId && event.to !== state.me && state.detail !== null) {
        state.detail.agentId = event.to;
        renderConversation(state.detail);
      }
      reloadQueueSoon(0);
      break;

    case 'ended':
      updateSummary(event.id, { status: 'ended' });
      state.unread.delete(event.id);
      if (state.detail?.id === event.id) {
        state.detail.status = 'ended';
        renderConversation(state.detail);
      }
      reloadQueueSoon(0);
      break;
  }
}
