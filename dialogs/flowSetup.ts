import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { CertificateType, Replacement, VerifiedIdentity } from './contract/domain';
import type { FlowEvent } from './contract/events';
import type {
  CertificateChoice,
  FindCertificateInput,
  FindCertificateOutput,
  ListCertificatesInput,
  ListCertificatesOutput,
  ReleaseInput,
  ReleaseOutput,
  RevokeReplacedInput,
  RevokeReplacedOutput,
} from './contract/services';
import {
  Awaiting,
  FlowEmitted,
  HandoffReason,
  REOPEN_CHOICE,
  Reply,
  ReplyChoice,
  securePageQuestion,
  YES_NO_CHOICES,
} from './contract/replies';
import type { SecureFailure, SecureStepKind } from './contract/secure';

/** After this many inputs in a row that we could not understand, we offer an agent. */
export const MISUNDERSTOOD_LIMIT = 3;

/** 발급, 재발급 or 갱신 in progress: the kind of certificate, and the one it replaces. */
export interface IssuanceDraft {
  type?: CertificateType;
  replaces?: Replacement;
}

/** The customer's certificates as last listed, and the one they picked. */
interface CertificateSelection {
  choices: readonly CertificateChoice[];
  picked?: CertificateChoice;
}

export interface FlowContext {
  misunderstood: number;
  /** The last question asked: the bot reads what it awaits before decoding the next message, and it is asked again on resuming. */
  question?: Reply;
  identity?: VerifiedIdentity;
  /** The customer the bank's app passed with the chat's token: already verified, for every journey. */
  appCustomer?: VerifiedIdentity;
  issuance?: IssuanceDraft;
  certificates?: CertificateSelection;
}

/** A named actor the bot implements (`machine.provide`); running the bare machine without it is a bug. */
function provided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`${name} must be provided by the bot`);
  });
}

/** The services the machines invoke, by name; the bot provides each (`machine.provide`). */
const FLOW_ACTORS = {
  findValidCertificate: provided<FindCertificateOutput, FindCertificateInput>('findValidCertificate'),
  listCertificates: provided<ListCertificatesOutput, ListCertificatesInput>('listCertificates'),
  releaseCertificate: provided<ReleaseOutput, ReleaseInput>('releaseCertificate'),
  revokeReplaced: provided<RevokeReplacedOutput, RevokeReplacedInput>('revokeReplaced'),
};

/**
 * Everything the flow machines may name: replies, context updates, guards and the services the
 * bot provides (`machine.provide`), so the machines stay pure and tests can run them alone.
 */
export const flow = setup({
  types: {
    context: {} as FlowContext,
    events: {} as FlowEvent,
    emitted: {} as FlowEmitted,
  },
  actors: FLOW_ACTORS,

  actions: {
    greet: emit({ type: 'reply', key: 'welcome' }),
    explainJointCertificate: emit({ type: 'reply', key: 'whatIs.intro' }),
    explainSecurity: emit({ type: 'reply', key: 'whatIs.security' }),
    explainLegalEffect: emit({ type: 'reply', key: 'whatIs.legal' }),
    explainUses: emit({ type: 'reply', key: 'whatIs.uses' }),
    explainHelp: emit({ type: 'reply', key: 'help.body' }),
    explainCommands: emit({ type: 'reply', key: 'help.commands' }),
    confirmCancelled: emit({ type: 'reply', key: 'cancel.done' }),
    switchLanguage: emit(({ event }) => ({
      type: 'languageChanged' as const,
      language: event.type === 'LANGUAGE' && event.language === 'en' ? ('en' as const) : ('ko' as const),
    })),
    confirmLanguage: emit({ type: 'reply', key: 'language.changed' }),
    countMisunderstanding: assign({ misunderstood: ({ context }) => context.misunderstood + 1 }),
    forgetMisunderstandings: assign({ misunderstood: 0 }),
    apologize: emit({ type: 'reply', key: 'system.stepFailed', choices: ['menu.choices.agent'] }),
    /** Says when agents take conversations; the bot provides it with the configured hours. */
    tellAgentHours: emit({ type: 'reply', key: 'handoff.outOfHours', params: { hours: '' } }),
    /**
     * A step done on the secure page: the bot opens it (a one-use link it puts in the question)
     * for what the journey knows so far; asked again, it opens a fresh one.
     */
    openSecurePage: enqueueActions(({ context, enqueue }, step: { kind: SecureStepKind; journey: string }) => {
      const question = securePageQuestion(step.kind);
      enqueue.assign({ question });
      enqueue.emit({
        type: 'secureStep' as const,
        step: { ...step, certificateType: context.issuance?.type, replaces: context.issuance?.replaces },
        customer: context.identity,
      });
      enqueue.emit({ type: 'reply' as const, ...question });
    }),
    /** The customer is queued for a person; the flow keeps its step, to resume there. */
    requestAgent: emit((_, params: { reason: HandoffReason }) => ({ type: 'handoff' as const, reason: params.reason })),
    /** A step on the secure page failed: its own explanation and way forward. */
    explainFailure: emit(({ event }) => ({
      type: 'reply' as const,
      key: `secureStep.failed.${(event as { reason: SecureFailure }).reason}`,
    })),
    /** A reply that is not a question: the step keeps awaiting what its own question asked. */
    say: emit((_, reply: Reply) => ({ type: 'reply' as const, ...reply })),
    /** The question the customer was at, once more (back from a person, or after the hours were told). */
    repeatQuestion: enqueueActions(({ context, enqueue }) => {
      if (context.question !== undefined) enqueue.emit({ type: 'reply' as const, ...context.question });
    }),
    /**
     * A question: said, and remembered as what the flow awaits (its choices, what kind of answer);
     * asked again, with the same words, when the answer did not fit.
     */
    ask: enqueueActions(({ enqueue }, question: Reply) => {
      enqueue.assign({ question });
      enqueue.emit({ type: 'reply' as const, ...question });
    }),
  },
  guards: {
    namesLanguage: ({ event }) => event.type === 'LANGUAGE' && event.language !== undefined,
    isChitChat: ({ event }) => event.type === 'TEXT' || event.type === 'YES' || event.type === 'NO' || event.type === 'START',
    reachesMisunderstoodLimit: ({ context }) => context.misunderstood + 1 >= MISUNDERSTOOD_LIMIT,
    choseToReopen: ({ event }) => event.type === 'CHOICE' && event.choice === REOPEN_CHOICE,
    /** Agents take conversations now; the bot provides it with the configured hours (always, unless provided). */
    agentsOnDuty: () => true,
  },
});

/** A service the flow invokes, by the name the bot provides it under. */
export type FlowActorName = keyof typeof FLOW_ACTORS;

/** A state's transitions, by event type, as a state config takes them. */
export type FlowTransitions = NonNullable<Parameters<typeof flow.createStateConfig>[0]['on']>;

/** A journey's state config, as the root machine runs it. */
export type JourneyStates = ReturnType<typeof flow.createStateConfig>;

/**
 * An answer a journey's question cannot use: the question is asked again, and after a few misses
 * in a row the customer is offered a person. Questions forget earlier misses on entry.
 */
export function askAgain<TQuestion>(question: TQuestion) {
  return [{ guard: 'reachesMisunderstoodLimit', target: '#root.offeringAgent' }, { actions: ['countMisunderstanding', question] }] as const;
}

/** What the flow awaits after `question`: the answers its choices give (a label key, or a listed item's value "1"). */
export function awaitingAfter(question: Reply | undefined): Awaiting | undefined {
  return (
    question && { choices: (question.choices ?? []).map((choice: ReplyChoice) => (typeof choice === 'string' ? choice : choice.value)) }
  );
}

/** 예/아니요, unless the question words its own yes ("동의합니다" and 아니요). */
const withYesNo = (question: Reply): Reply => ({ ...question, choices: question.choices ?? YES_NO_CHOICES });

/**
 * A yes/no question: asked with 예/아니요 choices (or its own); anything else asks again (and after a few misses
 * offers a person). `question` is the ask's params, or a function of the context for a question
 * that names what it is about.
 */
export function yesNoQuestion(
  question: Reply | ((args: { context: FlowContext }) => Reply),
  answers: { yes: FlowTransitions['YES']; no: FlowTransitions['NO'] },
  /** Other answers the question takes (an intent that also answers it). */
  more: FlowTransitions = {},
) {
  const ask = {
    type: 'ask',
    params: typeof question === 'function' ? (args: { context: FlowContext }) => withYesNo(question(args)) : withYesNo(question),
  } as const;
  return {
    entry: ['forgetMisunderstandings', ask],
    on: { ...more, YES: answers.yes, NO: answers.no, TEXT: askAgain(ask), CHOICE: askAgain(ask) },
  } as const;
}

const NOT_IN_CHAT = { type: 'say', params: { key: 'secureStep.notInChat', choices: [REOPEN_CHOICE] } } as const;
const PASSWORD_NOT_IN_CHAT = { type: 'say', params: { key: 'secureStep.passwordNotInChat', choices: [REOPEN_CHOICE] } } as const;
const FILES_ON_PAGE = { type: 'say', params: { key: 'secureStep.filesOnPage', choices: [REOPEN_CHOICE] } } as const;
const STILL_ON_PAGE = { type: 'say', params: { key: 'secureStep.stillOnPage', choices: [REOPEN_CHOICE] } } as const;

/**
 * A step done on the secure page (docs/secure-step.md): the chat offers the link and waits for the
 * page to finish (`done`: the completion events it takes). Asked again, or back from a person, it
 * opens a fresh link; the page's cancel or an expired link brings the customer back here, told so.
 */
export function onSecurePage(kind: SecureStepKind, journey: string, done: FlowTransitions) {
  const open = { type: 'openSecurePage', params: { kind, journey } } as const;
  return {
    entry: ['forgetMisunderstandings', open],
    on: {
      ...done,
      // Anything else is not for this step: the page the customer may have open stays theirs.
      CHOICE: [{ guard: 'choseToReopen', actions: open }, ...askAgain(STILL_ON_PAGE)],
      YES: askAgain(STILL_ON_PAGE),
      NO: askAgain(STILL_ON_PAGE),
      RESUME: { actions: open },
      SECURE_CANCELLED: { actions: [{ type: 'say', params: { key: 'secureStep.cancelled' } }, open] },
      SECURE_EXPIRED: { actions: [{ type: 'say', params: { key: 'secureStep.expired' } }, open] },
      // Off duty, the hours are told and the page offered again (a fresh link: the last may be used).
      AGENT: [
        { guard: 'agentsOnDuty', actions: ['forgetMisunderstandings', { type: 'requestAgent', params: { reason: 'customerAsked' } }] },
        { actions: ['tellAgentHours', open] },
      ],
      // A secret typed into the chat anyway is not echoed: the customer is sent back to the page
      // they may have open (a new link would end it), which 다시 열기 replaces if it was closed.
      RRN: { actions: NOT_IN_CHAT },
      RRN_INVALID: { actions: NOT_IN_CHAT },
      PHONE: { actions: NOT_IN_CHAT },
      PASSWORD_LIKE: { actions: PASSWORD_NOT_IN_CHAT },
      ATTACHMENTS: { actions: FILES_ON_PAGE },
      TEXT: askAgain(STILL_ON_PAGE),
    },
  } as const;
}
