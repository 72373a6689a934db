import { assign, emit, or, raise, stateIn } from 'xstate';
import type { RecognizedInput } from './contract/events';
import { LANGUAGE_CHOICES, YES_NO_CHOICES } from './contract/replies';
import { askAgain, flow, JourneyStates, yesNoQuestion } from './flowSetup';
import { JOURNEYS, MENU_CHOICES } from './journeys';

/**
 * Bump when a change makes older persisted snapshots meaningless; the bot then restarts the
 * customer's step politely instead of restoring a snapshot this machine no longer understands.
 */
export const ROOT_MACHINE_VERSION = 9;

const SHOW_MENU = { type: 'ask', params: { key: 'menu.prompt', choices: MENU_CHOICES } } as const;
// Said, not asked: the step the customer is at still awaits its own answer (a password stays a password).
const notUnderstood = askAgain({ type: 'say', params: { key: 'misunderstood.retry', choices: MENU_CHOICES } } as const);

/** The journey an intent starts; an intent no journey takes is not understood. */
function startOn(intent: Extract<RecognizedInput['type'], 'ISSUE' | 'REGISTER' | 'REISSUE'>) {
  const journey = JOURNEYS.find((j) => 'intent' in j.startsOn && j.startsOn.intent === intent);
  return journey === undefined ? notUnderstood : { target: `.${journey.id}`, actions: 'forgetMisunderstandings' as const };
}

/** Journeys named by their own words (`JOURNEY`), each by its id. */
const startByName = JOURNEYS.filter((j) => 'words' in j.startsOn).map((j) => ({
  guard: ({ event }: { event: { type: string; journey?: string } }) => event.journey === j.id,
  target: `.${j.id}`,
  actions: 'forgetMisunderstandings' as const,
}));

const journeyStates: Record<string, JourneyStates> = Object.fromEntries(JOURNEYS.map((j) => [j.id, j.states]));

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
    // Back from an agent: the step the customer was at goes on, with its question asked again.
    RESUME: { actions: 'repeatQuestion' },
    HELP: { target: '.menu', actions: ['forgetMisunderstandings', 'explainHelp', 'explainCommands'] },
    WHAT_IS: {
      target: '.menu',
      actions: ['forgetMisunderstandings', 'explainJointCertificate', 'explainSecurity', 'explainLegalEffect', 'explainUses'],
    },
    ISSUE: startOn('ISSUE'),
    REGISTER: startOn('REGISTER'),
    REISSUE: startOn('REISSUE'),
    JOURNEY: [...startByName, ...notUnderstood],
    // The flow keeps its step while an agent has the conversation, so it can resume there.
    AGENT: [
      { guard: 'agentsOnDuty', actions: ['forgetMisunderstandings', emit({ type: 'handoff', reason: 'customerAsked' })] },
      { actions: ['tellAgentHours', 'repeatQuestion'] },
    ],
    LANGUAGE: [
      { guard: 'namesLanguage', target: '.menu', actions: ['switchLanguage', 'confirmLanguage'] },
      { target: '.choosingLanguage' },
    ],
    // Input nobody asked for: ask again, and after a few misses offer a person.
    TEXT: notUnderstood,
    CHOICE: notUnderstood,
    YES: notUnderstood,
    NO: notUnderstood,
    // Secrets and files belong on the secure page: a 주민등록번호 or phone typed here is not echoed.
    RRN: { actions: { type: 'say', params: { key: 'secureStep.notInChat' } } },
    RRN_INVALID: { actions: { type: 'say', params: { key: 'secureStep.notInChat' } } },
    PHONE: { actions: { type: 'say', params: { key: 'secureStep.notInChat' } } },
    PASSWORD_LIKE: { actions: { type: 'say', params: { key: 'secureStep.passwordNotInChat' } } },
    ATTACHMENTS: { actions: { type: 'say', params: { key: 'secureStep.filesOnPage' } } },
    // Kept for every journey of the conversation: the bank's app verified this customer.
    APP_CUSTOMER: { actions: assign(({ event }) => ({ appCustomer: event.identity })) },
  },
  states: {
    firstContact: {
      on: {
        // Comes with the first input, before it: nothing to greet for.
        APP_CUSTOMER: { actions: assign(({ event }) => ({ appCustomer: event.identity })) },
        // Whatever the first message, the customer is greeted first; a request in it is then handled.
        '*': [
          { guard: 'isChitChat', target: 'menu', actions: 'greet' },
          { target: 'menu', actions: ['greet', raise(({ event }) => event)] },
        ],
      },
    },
    menu: {
      entry: SHOW_MENU,
    },
    choosingLanguage: {
      entry: { type: 'ask', params: { key: 'language.prompt', choices: LANGUAGE_CHOICES } },
      on: {
        TEXT: { target: 'choosingLanguage', reenter: true },
        CHOICE: { target: 'choosingLanguage', reenter: true },
      },
    },
    offeringAgent: {
      entry: ['forgetMisunderstandings', { type: 'ask', params: { key: 'misunderstood.offerAgent', choices: YES_NO_CHOICES } }],
      on: {
        YES: [
          { guard: 'agentsOnDuty', target: 'waitingForAgent', actions: emit({ type: 'handoff', reason: 'misunderstood' }) },
          { target: 'menu', actions: 'tellAgentHours' },
        ],
        NO: 'menu',
        TEXT: { target: 'offeringAgent', reenter: true },
        CHOICE: { target: 'offeringAgent', reenter: true },
      },
    },
    // After a lockout the customer was already told why; the question is only whether to call a person.
    offeringAgentAfterLockout: yesNoQuestion(
      { key: 'identity.offerAgent' },
      {
        yes: [
          { guard: 'agentsOnDuty', target: 'waitingForAgent', actions: emit({ type: 'handoff', reason: 'lockout' }) },
          { target: 'menu', actions: 'tellAgentHours' },
        ],
        no: 'menu',
      },
    ),
    // Handed to an agent from an offer: nothing to resume but the menu.
    waitingForAgent: {
      on: { RESUME: 'menu' },
    },
    ...journeyStates,
  },
});

export type RootMachine = typeof rootMachine;
