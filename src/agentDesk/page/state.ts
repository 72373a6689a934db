import type { Detail, Line, Summary } from './deskTypes';

/** What the desk knows: the lists, and the conversation open in the pane. */
export interface DeskState {
  /** The signed-in agent, or null on the sign-in form. */
  me: string | null;
  waiting: Summary[];
  mine: Summary[];
  /** Conversations other agents hold: a supervisor's view only, else null. */
  others: Summary[] | null;
  /** The other agents one may transfer to, and oneself. */
  agents: string[];
  unread: Set<string>;
  openId: string | null;
  /** The open conversation, or null while it loads. */
  detail: Detail | null;
  /** Counts opens and closes: an answer for an earlier one is dropped. */
  openSeq: number;
  /** Lines that arrived live while the open conversation was loading. */
  pending: Line[];
  /** An action is under way; others wait for it. */
  busy: boolean;
}

export const state: DeskState = {
  me: null,
  waiting: [],
  mine: [],
  others: null,
  agents: [],
  unread: new Set(),
  openId: null,
  detail: null,
  openSeq: 0,
  pending: [],
  busy: false,
};

export function findSummary(id: string): Summary | undefined {
  return [...state.mine, ...state.waiting, ...(state.others ?? [])].find((c) => c.id === id);
}

export function isMine(c: Summary | null): boolean {
  return c !== null && state.me !== null && c.status === 'withAgent' && c.agentId === state.me;
}

/** Applies what an event says to every list holding the conversation. */
export function updateSummary(id: string, patch: Partial<Pick<Summary, 'status' | 'lastCustomerAt' | 'customerLeft'>>): void {
  for (const c of [...state.waiting, ...state.mine, ...(state.others ?? [])]) if (c.id === id) Object.assign(c, patch);
}
