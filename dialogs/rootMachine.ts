import { emit, or, raise, stateIn } from 'xstate';
import { askAgain, flow } from './flowSetup';
import { issuance } from './issuance';
import { registration } from './registration';
import { reissue } from './reissue';
import { YES_NO_CHOICES } from './contract/replies';

/**
 * Bump when a change makes older persisted snapshots meaningless; the bot then restarts the
 * customer's step politely instead of restoring a snapshot this machine no longer understands.
 */
export const ROOT_MACHINE_VERSION = 8;

const notUnderstood = askAgain('askToRephrase' as const);

export const rootMachine = flow.createMachine({
  id: 'root',
  context: { misunderstood: 0 },
  initial: 'firstContact',
  // Commands that work from any step: the customer can always leave, ask for help or a person.
  on: {
    START: {}, // a channel may announce the conversation again on reconnect: nothing to say
    // Timeouts are timestamps checked by the bot on the next turn, not timers (they do not persist).
    IDLE_EXPIRED: [
      { guard: or([stateIn('#root.menu'), stateIn('#root.firstContact')]) },
      { target: '.menu', actions: emit({ type: 'reply', key: 'flow.expired' }) },
    ],
    CANCEL: { target: '.menu', actions: ['forgetMisunderstandings', 'confirmCancelled'] },
    RESTART: { target: '.menu', actions: 'forgetMisunderstandings' },
    // Back from an agent: the step the customer was at goes on (the bot shows its question again).
    RESUME: {},
    HELP: { target: '.menu', actions: ['forgetMisunderstandings', 'explainHelp', 'explainCommands'] },
    WHAT_IS: {
      target: '.menu',
      actions: ['forgetMisunderstandings', 'explainJointCertificate', 'explainSecurity', 'explainLegalEffect', 'explainUses'],
    },
    ISSUE: { target: '.issuing', actions: 'forgetMisunderstandings' },
    REGISTER: { target: '.registering', actions: 'forgetMisunderstandings' },
    REISSUE: { target: '.reissuing', actions: 'forgetMisunderstandings' },
    // The flow keeps its step while an agent has the conversation, so it can resume there.
    AGENT: { actions: ['forgetMisunderstandings', emit({ type: 'handoff', reason: 'customerAsked' })] },
    LANGUAGE: [
      { guard: 'namesLanguage', target: '.menu', actions: ['switchLanguage', 'confirmLanguage'] },
      { target: '.choosingLanguage' },
    ],
    // Input nobody asked for: ask again, and after a few misses offer a person.
    TEXT: notUnderstood,
    YES: notUnderstood,
    NO: notUnderstood,
    RESEND: notUnderstood,
    RRN: notUnderstood,
    RRN_INVALID: notUnderstood,
    PHONE: notUnderstood,
    FILES: notUnderstood,
    ATTACHMENTS: notUnderstood,
  },
  states: {
    firstContact: {
      on: {
        // Whatever the first message, the customer is greeted first; a request in it is then handled.
        '*': [
          { guard: 'isChitChat', target: 'menu', actions: 'greet' },
          { target: 'menu', actions: ['greet', raise(({ event }) => event)] },
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
        YES: { target: 'waitingForAgent', actions: emit({ type: 'handoff', reason: 'misunderstood' }) },
        NO: 'menu',
        TEXT: { target: 'offeringAgent', reenter: true },
      },
    },
    // After a lockout the customer was already told why; the question is only whether to call a person.
    offeringAgentAfterLockout: {
      entry: emit({ type: 'reply', key: 'identity.offerAgent', choices: YES_NO_CHOICES }),
      on: {
        YES: { target: 'waitingForAgent', actions: emit({ type: 'handoff', reason: 'lockout' }) },
        NO: 'menu',
        TEXT: { target: 'offeringAgentAfterLockout', reenter: true },
      },
    },
    // Handed to an agent from an offer: nothing to resume but the menu.
    waitingForAgent: {
      on: { RESUME: 'menu' },
    },
    issuing: issuance,
    registering: registration,
    reissuing: reissue,
  },
});

export type RootMachine = typeof rootMachine;
