import { assign, emit, raise, setup } from 'xstate';
import type { FlowEvent } from './events';
import { FlowEmitted, LANGUAGE_CHOICES, MENU_CHOICES, YES_NO_CHOICES } from './replies';

/**
 * Bump when a change makes older persisted snapshots meaningless; the bot then restarts the
 * customer's step politely instead of restoring a snapshot this machine no longer understands.
 */
export const ROOT_MACHINE_VERSION = 1;

/** After this many inputs in a row that we could not understand, we offer an agent. */
export const MISUNDERSTOOD_LIMIT = 3;

export interface RootContext {
  misunderstood: number;
}

export const rootMachine = setup({
  types: {
    context: {} as RootContext,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
  },
  actions: {
    greet: emit({ type: 'reply', key: 'welcome' }),
    showMenu: emit({ type: 'reply', key: 'menu.prompt', choices: MENU_CHOICES }),
    explainJointCertificate: emit({ type: 'reply', key: 'whatIs.intro' }),
    explainSecurity: emit({ type: 'reply', key: 'whatIs.security' }),
    explainLegalEffect: emit({ type: 'reply', key: 'whatIs.legal' }),
    explainUses: emit({ type: 'reply', key: 'whatIs.uses' }),
    explainHelp: emit({ type: 'reply', key: 'help.body' }),
    explainCommands: emit({ type: 'reply', key: 'help.commands' }),
    confirmCancelled: emit({ type: 'reply', key: 'cancel.done' }),
    askLanguage: emit({ type: 'reply', key: 'language.prompt', choices: LANGUAGE_CHOICES }),
    switchLanguage: emit(({ event }) => ({
      type: 'languageChanged' as const,
      language: event.type === 'LANGUAGE' && event.language === 'en' ? ('en' as const) : ('ko' as const),
    })),
    confirmLanguage: emit({ type: 'reply', key: 'language.changed' }),
    askToRephrase: emit({ type: 'reply', key: 'misunderstood.retry', choices: MENU_CHOICES }),
    offerAgent: emit({ type: 'reply', key: 'misunderstood.offerAgent', choices: YES_NO_CHOICES }),
    countMisunderstanding: assign({ misunderstood: ({ context }) => context.misunderstood + 1 }),
    forgetMisunderstandings: assign({ misunderstood: 0 }),
    announceComingSoon: emit((_, params: { journey: string }) => ({
      type: 'reply' as const,
      key: 'journey.comingSoon',
      params: { journey: { key: `journey.name.${params.journey}` } },
    })),
    handleFirstInputInMenu: raise(({ event }) => event),
  },
  guards: {
    namesLanguage: ({ event }) => event.type === 'LANGUAGE' && event.language !== undefined,
    isChitChat: ({ event }) => event.type === 'TEXT' || event.type === 'YES' || event.type === 'NO' || event.type === 'START',
    reachesMisunderstoodLimit: ({ context }) => context.misunderstood + 1 >= MISUNDERSTOOD_LIMIT,
  },
}).createMachine({
  id: 'root',
  context: { misunderstood: 0 },
  initial: 'firstContact',
  // Commands that work from any step: the customer can always leave, ask for help or a person.
  on: {
    START: {}, // a channel may announce the conversation again on reconnect: nothing to say
    CANCEL: { target: '.menu', actions: ['forgetMisunderstandings', 'confirmCancelled'] },
    RESTART: { target: '.menu', actions: 'forgetMisunderstandings' },
    HELP: { target: '.menu', actions: ['forgetMisunderstandings', 'explainHelp', 'explainCommands'] },
    WHAT_IS: {
      target: '.menu',
      actions: ['forgetMisunderstandings', 'explainJointCertificate', 'explainSecurity', 'explainLegalEffect', 'explainUses'],
    },
    ISSUE: { target: '.issuing', actions: 'forgetMisunderstandings' },
    REGISTER: { target: '.registering', actions: 'forgetMisunderstandings' },
    REISSUE: { target: '.reissuing', actions: 'forgetMisunderstandings' },
    AGENT: { target: '.handingOff', actions: 'forgetMisunderstandings' },
    LANGUAGE: [
      { guard: 'namesLanguage', target: '.menu', actions: ['switchLanguage', 'confirmLanguage'] },
      { target: '.choosingLanguage' },
    ],
    // Free text nobody expected: ask again, and after a few misses offer a person.
    TEXT: [
      { guard: 'reachesMisunderstoodLimit', target: '.offeringAgent' },
      { actions: ['countMisunderstanding', 'askToRephrase'] },
    ],
    YES: [
      { guard: 'reachesMisunderstoodLimit', target: '.offeringAgent' },
      { actions: ['countMisunderstanding', 'askToRephrase'] },
    ],
    NO: [
      { guard: 'reachesMisunderstoodLimit', target: '.offeringAgent' },
      { actions: ['countMisunderstanding', 'askToRephrase'] },
    ],
  },
  states: {
    firstContact: {
      on: {
        // Whatever the first message, the customer is greeted first; a request in it is then handled.
        '*': [
          { guard: 'isChitChat', target: 'menu', actions: 'greet' },
          { target: 'menu', actions: ['greet', 'handleFirstInputInMenu'] },
        ],
      },
    },
    menu: {
      entry: 'showMenu',
    },
    choosingLanguage: {
      entry: 'askLanguage',
      on: {
        TEXT: { target: 'choosingLanguage', reenter: true },
      },
    },
    offeringAgent: {
      entry: ['forgetMisunderstandings', 'offerAgent'],
      on: {
        YES: 'handingOff',
        NO: 'menu',
        TEXT: { target: 'offeringAgent', reenter: true },
      },
    },
    // Placeholders: the journeys and the handoff arrive in later issues.
    issuing: {
      entry: { type: 'announceComingSoon', params: { journey: 'issue' } },
      always: 'menu',
    },
    registering: {
      entry: { type: 'announceComingSoon', params: { journey: 'register' } },
      always: 'menu',
    },
    reissuing: {
      entry: { type: 'announceComingSoon', params: { journey: 'reissue' } },
      always: 'menu',
    },
    handingOff: {
      entry: { type: 'announceComingSoon', params: { journey: 'agent' } },
      always: 'menu',
    },
  },
});

export type RootMachine = typeof rootMachine;
