// What the desk's API and event stream send, as this page reads it. The server's types are
// zod-inferred in modules that also hold Redis code; test/agentDesk/deskPageContract.test.ts
// checks that these stay what the server sends (so this file uses neither the DOM nor Node).

export type Language = 'ko' | 'en';
export type HandoffReason = 'customerAsked' | 'misunderstood' | 'lockout' | 'error';
/** `ended` is never sent in a summary: the page marks a conversation so when told it ended. */
export type ConversationStatus = 'queued' | 'withAgent' | 'external' | 'ended';
/** Why a call failed, as the page tells the agent: the server's error codes, and `network` when it could not be reached. */
export const ERROR_CODES = [
  'alreadyTaken',
  'notFound',
  'notYours',
  'customerLeft',
  'wrongCredentials',
  'tooManyAttempts',
  'signInRequired',
  'network',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type EndMode = 'resume' | 'menu' | 'close';

export interface Note {
  readonly from: string;
  readonly text: string;
  readonly at: number;
}

/** A conversation waiting for, or held by, an agent. */
export interface Summary {
  readonly id: string;
  status: ConversationStatus;
  readonly reason: HandoffReason;
  readonly language: Language;
  readonly journey: string;
  readonly step: string;
  readonly maskedName?: string;
  readonly queuedAt: number;
  agentId?: string;
  lastCustomerAt?: number;
  customerLeft?: boolean;
  readonly notes: readonly Note[];
}

/** A line of a transcript as an agent reads it: the bot's and the system's already in words. */
export interface Line {
  readonly from: 'customer' | 'bot' | 'agent' | 'system';
  readonly text: string;
  readonly at: number;
  readonly agentId?: string;
}

export interface Detail extends Summary {
  readonly transcript: readonly Line[];
}

export interface Queue {
  readonly waiting: Summary[];
  readonly mine: Summary[];
  /** Only for supervisors: conversations other agents hold. */
  readonly others?: Summary[];
}

/** A transcript entry as the event stream carries it: the bot's replies and system lines still as keys. */
export type Entry =
  | { readonly from: 'customer'; readonly text: string; readonly at: number }
  | { readonly from: 'agent'; readonly text: string; readonly at: number; readonly agentId: string }
  | { readonly from: 'bot'; readonly at: number }
  | { readonly from: 'system'; readonly at: number; readonly agentId?: string };

export type DeskEvent =
  | { readonly type: 'queueChanged' }
  | { readonly type: 'message'; readonly id: string; readonly entry: Entry }
  | { readonly type: 'customerLeft'; readonly id: string }
  | { readonly type: 'transferred'; readonly id: string; readonly from: string; readonly to: string }
  | { readonly type: 'ended'; readonly id: string; readonly agentId: string };
