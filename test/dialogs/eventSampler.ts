import type { AnyMachineSnapshot } from 'xstate';
import type { FlowEvent } from '../../dialogs/contract/events';
import type { SecureFailure, SecureStepKind } from '../../dialogs/contract/secure';
import { awaitingAfter, type FlowActorName, type FlowContext } from '../../dialogs/flowSetup';
import { JOURNEYS } from '../../dialogs/journeys';
import { APP_CUSTOMER, ISSUED, OFF_DUTY_AT, ON_DUTY_AT, OUTCOMES, PAGE_CUSTOMER, REGISTERED } from './fakeServices';

/** A service's answer, as the machine receives it from an invoked actor; `service` and `outcome` name the fake's answer. */
export interface ServiceEvent {
  readonly type: `xstate.done.actor.${string}` | `xstate.error.actor.${string}`;
  readonly service: FlowActorName;
  readonly outcome: string;
  readonly output?: unknown;
  readonly error?: unknown;
}

/** A customer's input as the bot decodes it (src/bot/decode/), a page's completion, or a service's answer. */
export type SampledEvent = FlowEvent | ServiceEvent;

export const isServiceEvent = (event: { type: string }): event is ServiceEvent => event.type.startsWith('xstate.');

const at = ON_DUTY_AT;

/** What a customer may put into the chat although the secure page asks for it: made safe by the personal-data guard. */
export const SAMPLES = {
  // Not the verified customer's: whatever of these is found in the context came from the chat.
  rrn: { type: 'RRN', masked: '880808-1******', at },
  phone: { type: 'PHONE', masked: '010-****-9090', at },
  name: { type: 'TEXT', text: '홍길동', at },
  /** A one-time code (or a password) typed into the chat anyway. */
  digits: { type: 'TEXT', text: '135790', at },
  keyFiles: { type: 'ATTACHMENTS', attachments: [{ name: 'signPri.key', contentUrl: 'https://files.example/1' }], at },
  unansweredChoice: { type: 'CHOICE', choice: 'menu.choices.nowhere', at },
  appCustomer: { type: 'APP_CUSTOMER', identity: APP_CUSTOMER, at },
  rrnInvalid: { type: 'RRN_INVALID', problem: 'genderDigit', at },
} as const satisfies Record<string, FlowEvent>;

/** Every way a page's step can fail, once each (the record makes a new reason in the contract a compile error here). */
const FAILURE_REASONS = {
  expired: true,
  notYetValid: true,
  revoked: true,
  notYours: true,
  corporate: true,
  untrusted: true,
  unsupported: true,
  noRandom: true,
  passwordLocked: true,
  verificationLocked: true,
  caRefused: true,
  notRenewable: true,
} as const satisfies Record<SecureFailure, true>;
export const SECURE_FAILURES = Object.keys(FAILURE_REASONS) as SecureFailure[];

/** The page a question sends the customer to (`secureStep.open.<kind>`), if it does. */
export function pageOf(context: FlowContext): SecureStepKind | undefined {
  const kind = /^secureStep\.open\.(\w+)$/.exec(context.question?.key ?? '')?.[1];
  return kind as SecureStepKind | undefined;
}

/**
 * How a secure page can complete its step (dialogs/contract/secure.ts): each result, each way it
 * fails, a cancel and an expired link. The page's own kind when the customer is on one; elsewhere
 * the completion of a page left behind (the customer went on in the chat meanwhile).
 */
export function pageCompletions(step: SecureStepKind): FlowEvent[] {
  return [
    { type: 'IDENTITY_VERIFIED', identity: PAGE_CUSTOMER, at },
    { type: 'ADDITIONAL_VERIFIED', at },
    { type: 'CERTIFICATE_ISSUED', issued: ISSUED, at },
    { type: 'CERTIFICATE_REGISTERED', registered: REGISTERED, at },
    ...SECURE_FAILURES.map((reason): FlowEvent => ({ type: 'SECURE_FAILED', step, reason, at })),
    { type: 'SECURE_CANCELLED', step, at },
    { type: 'SECURE_EXPIRED', step, at },
  ];
}

/** What a customer can say in any step: chatter, personal data, commands and intents (a journey nobody offers last). */
const ANYWHERE: readonly FlowEvent[] = [
  { type: 'YES', at },
  { type: 'YES', at: OFF_DUTY_AT },
  { type: 'NO', at },
  ...Object.values(SAMPLES),
  { type: 'PASSWORD_LIKE', at },
  { type: 'START', at },
  { type: 'IDLE_EXPIRED', at },
  { type: 'CANCEL', at },
  { type: 'RESTART', at },
  { type: 'RESUME', at },
  { type: 'HELP', at },
  { type: 'WHAT_IS', at },
  { type: 'AGENT', at },
  { type: 'AGENT', at: OFF_DUTY_AT },
  { type: 'LANGUAGE', language: 'en', at },
  { type: 'LANGUAGE', at },
  { type: 'ISSUE', at },
  { type: 'REGISTER', at },
  { type: 'REGISTER', manage: true, at },
  { type: 'REISSUE', text: '재발급', at },
  { type: 'REISSUE', text: '갱신', renewal: true, at },
  ...JOURNEYS.map((journey): FlowEvent => ({ type: 'JOURNEY', journey: journey.id, at })),
  { type: 'JOURNEY', journey: 'nowhere', at },
];

/** The answers the question on screen offers, each as the bot decodes it: a choice. */
function answersOffered(context: FlowContext): FlowEvent[] {
  const awaiting = awaitingAfter(context.question);
  if (awaiting === undefined) return [];
  return awaiting.choices.map((choice) => ({ type: 'CHOICE', choice, at }));
}

/**
 * The events to try in a state. Waiting on a service, only the service's answers arrive (the
 * bot's turn ends when no state is busy); otherwise everything a customer can say, each answer
 * the question on screen offers, and each way a secure page can end.
 */
export function eventsFor(snapshot: AnyMachineSnapshot): SampledEvent[] {
  if (snapshot.hasTag('busy')) return serviceAnswers(snapshot);
  const context = snapshot.context as FlowContext;
  return [...answersOffered(context), ...ANYWHERE, ...pageCompletions(pageOf(context) ?? 'identity')];
}

/** Each answer (every outcome) of each service the active states invoke. */
function serviceAnswers(snapshot: AnyMachineSnapshot): ServiceEvent[] {
  return snapshot._nodes.flatMap((node) =>
    node.invoke.flatMap(({ id, src }) => {
      const service = src as FlowActorName;
      return Object.entries(OUTCOMES[service]).map(([outcome, answer]): ServiceEvent =>
        'error' in answer
          ? { type: `xstate.error.actor.${id}`, service, outcome, error: answer.error }
          : { type: `xstate.done.actor.${id}`, service, outcome, output: answer.output },
      );
    }),
  );
}
