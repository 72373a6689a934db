import type { AnyMachineSnapshot } from 'xstate';
import { MOBILE_CARRIERS } from '../../dialogs/contract/domain';
import type { FlowEvent } from '../../dialogs/contract/events';
import { awaitingAfter, type FlowActorName, type FlowContext } from '../../dialogs/flowSetup';
import { JOURNEYS } from '../../dialogs/journeys';
import { OFF_DUTY_AT, ON_DUTY_AT, OUTCOMES } from './fakeServices';

/** A service's answer, as the machine receives it from an invoked actor; `service` and `outcome` name the fake's answer. */
export interface ServiceEvent {
  readonly type: `xstate.done.actor.${string}` | `xstate.error.actor.${string}`;
  readonly service: FlowActorName;
  readonly outcome: string;
  readonly output?: unknown;
  readonly error?: unknown;
}

/** A customer's input as the bot decodes it (src/bot/decode/), or a service's answer. */
export type SampledEvent = FlowEvent | ServiceEvent;

export const isServiceEvent = (event: { type: string }): event is ServiceEvent => event.type.startsWith('xstate.');

const at = ON_DUTY_AT;

/** The 주민등록번호, phone and files as the personal-data guard hands them over: hashed, masked, sealed. */
export const SAMPLES = {
  rrn: { type: 'RRN', customerId: 'customer-1', masked: '900101-1******', birthDate: ['900101', '19900101'], sealed: 'sealed-rrn', at },
  someoneElsesRrn: {
    type: 'RRN',
    customerId: 'customer-2',
    masked: '850505-2******',
    birthDate: ['850505', '19850505'],
    sealed: 'sealed-rrn-2',
    at,
  },
  phone: { type: 'PHONE', masked: '010-****-1357', sealed: 'sealed-phone', at },
  name: { type: 'TEXT', text: '홍길동', at },
  /** Digits: no name, and a code or a password where one is awaited. */
  digits: { type: 'TEXT', text: '135790', at },
  pfx: { type: 'FILES', files: { pfx: 'sealed-pfx' }, refused: [], at },
  signCert: { type: 'FILES', files: { signCert: 'sealed-cert' }, refused: [], at },
  signPri: { type: 'FILES', files: { signPri: 'sealed-key' }, refused: [], at },
  notACertificate: { type: 'FILES', files: {}, refused: ['unknownKind', 'tooLarge'], at },
  unansweredChoice: { type: 'CHOICE', choice: 'menu.choices.nowhere', at },
} as const satisfies Record<string, FlowEvent>;

/** What a customer can say in any step: chatter, personal data, commands and intents (a journey nobody offers last). */
const ANYWHERE: readonly FlowEvent[] = [
  { type: 'YES', at },
  { type: 'YES', at: OFF_DUTY_AT },
  { type: 'NO', at },
  ...Object.values(SAMPLES),
  { type: 'RRN_INVALID', problem: 'genderDigit', at },
  { type: 'CARRIER', carrier: 'KT', at },
  { type: 'RESEND', at },
  { type: 'SECRET_TYPED', at },
  { type: 'ATTACHMENTS', attachments: [{ name: 'signCert.der', contentUrl: 'https://files.example/1' }], at },
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

/** The answers the question on screen offers, each as the bot decodes it: a choice, or a carrier. */
function answersOffered(context: FlowContext): FlowEvent[] {
  const awaiting = awaitingAfter(context.question);
  if (awaiting === undefined) return [];
  if (awaiting.asks === 'carrier') return MOBILE_CARRIERS.map((carrier) => ({ type: 'CARRIER', carrier, at }));
  return awaiting.choices.map((choice) => ({ type: 'CHOICE', choice, at }));
}

/**
 * The events to try in a state. Waiting on a service, only the service's answers arrive (the
 * bot's turn ends when no state is busy); otherwise everything a customer can say, and each
 * answer the question on screen offers.
 */
export function eventsFor(snapshot: AnyMachineSnapshot): SampledEvent[] {
  if (snapshot.hasTag('busy')) return serviceAnswers(snapshot);
  return [...answersOffered(snapshot.context as FlowContext), ...ANYWHERE];
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
