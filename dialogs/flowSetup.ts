import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { MobileCarrier, OtpChallenge } from './contract/domain';
import type { FlowEvent, SealedFiles } from './contract/events';
import type {
  CertificateChoice,
  CheckCodeInput,
  CheckCodeOutput,
  CheckPasswordInput,
  CheckPasswordOutput,
  CompleteRegistrationInput,
  CompleteRegistrationOutput,
  FindCertificateInput,
  FindCertificateOutput,
  IssueInput,
  IssueOutput,
  ListCertificatesInput,
  ListCertificatesOutput,
  ReleaseInput,
  ReleaseOutput,
  Replacement,
  SendCodeInput,
  SendCodeOutput,
  UnlockInput,
  UnlockOutput,
} from './contract/services';
import { Awaiting, FlowEmitted, Reply, ReplyChoice, YES_NO_CHOICES } from './contract/replies';

/** After this many inputs in a row that we could not understand, we offer an agent. */
export const MISUNDERSTOOD_LIMIT = 3;

/** What 본인 인증 has gathered so far; only masked, hashed and sealed values. */
export interface IdentityDraft {
  name?: string;
  customerId?: string;
  maskedRrn?: string;
  birthDate?: readonly string[];
  sealedRrn?: string;
  carrier?: MobileCarrier;
  maskedPhone?: string;
  sealedPhone?: string;
}

/** A customer whose identity was verified with a one-time code. */
export interface VerifiedIdentity {
  name: string;
  customerId: string;
  maskedRrn: string;
  birthDate: readonly string[];
  sealedRrn: string;
  carrier: MobileCarrier;
  maskedPhone: string;
  sealedPhone: string;
}

/** 발급 in progress: the chosen type and, between the two password turns, only a keyed hash. */
export interface IssuanceDraft {
  type?: 'personalBanking' | 'personalGeneral';
  passwordFingerprint?: string;
  replaces?: Replacement;
}

/** 타기관 등록 in progress: the uploaded files, sealed, and what the password turn unlocked, sealed. */
export interface RegistrationDraft {
  files: SealedFiles;
  wrongPasswords: number;
  sealedCertificate?: string;
  sealedRandomNum?: string;
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
  identityDraft?: IdentityDraft;
  identity?: VerifiedIdentity;
  /** The one-time code awaited (본인 인증 or 추가 인증); hashed, never the code. */
  codeChallenge?: OtpChallenge;
  issuance?: IssuanceDraft;
  registration?: RegistrationDraft;
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
  sendVerificationCode: provided<SendCodeOutput, SendCodeInput>('sendVerificationCode'),
  checkVerificationCode: provided<CheckCodeOutput, CheckCodeInput>('checkVerificationCode'),
  checkNewPassword: provided<CheckPasswordOutput, CheckPasswordInput>('checkNewPassword'),
  issueCertificate: provided<IssueOutput, IssueInput>('issueCertificate'),
  findValidCertificate: provided<FindCertificateOutput, FindCertificateInput>('findValidCertificate'),
  unlockUploadedCertificate: provided<UnlockOutput, UnlockInput>('unlockUploadedCertificate'),
  completeRegistration: provided<CompleteRegistrationOutput, CompleteRegistrationInput>('completeRegistration'),
  listCertificates: provided<ListCertificatesOutput, ListCertificatesInput>('listCertificates'),
  releaseCertificate: provided<ReleaseOutput, ReleaseInput>('releaseCertificate'),
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
    /** Agents take conversations now; the bot provides it with the configured hours (always, unless provided). */
    agentsOnDuty: () => true,
  },
});

/** A service the flow invokes, by the name the bot provides it under. */
export type FlowActorName = keyof typeof FLOW_ACTORS;

/** A state's transitions, by event type, as a state config takes them. */
type FlowTransitions = NonNullable<Parameters<typeof flow.createStateConfig>[0]['on']>;

/** A journey's state config, as the root machine runs it. */
export type JourneyStates = ReturnType<typeof flow.createStateConfig>;

/**
 * An answer a journey's question cannot use: the question is asked again, and after a few misses
 * in a row the customer is offered a person. Questions forget earlier misses on entry.
 */
export function askAgain<TQuestion>(question: TQuestion) {
  return [{ guard: 'reachesMisunderstoodLimit', target: '#root.offeringAgent' }, { actions: ['countMisunderstanding', question] }] as const;
}

/** What the flow awaits after `question`: the answers its choices give (a label key, or a listed item's value "1") and what kind of answer. */
export function awaitingAfter(question: Reply | undefined): Awaiting | undefined {
  return (
    question && {
      choices: (question.choices ?? []).map((choice: ReplyChoice) => (typeof choice === 'string' ? choice : choice.value)),
      asks: question.asks,
    }
  );
}

/**
 * A question answered with a secret (a password): taken as typed, and its message deleted where
 * the channel allows. Where the channel shows a masked field, a password typed in the open
 * message box is refused, since it would stay on screen, and the field is offered again.
 */
export function secretQuestion(key: string, next: string) {
  const ask = { type: 'ask', params: { key, asks: 'password' } } as const;
  return {
    entry: ask,
    on: { TEXT: next, SECRET_TYPED: { actions: [{ type: 'ask', params: { key: 'cards.typedPassword' } }, ask] } },
  } as const;
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
