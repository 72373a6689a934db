import { assign, emit, fromPromise, setup } from 'xstate';
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
import { FlowEmitted, LANGUAGE_CHOICES, MENU_CHOICES, Reply, YES_NO_CHOICES } from './contract/replies';

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
  actors: {
    sendVerificationCode: provided<SendCodeOutput, SendCodeInput>('sendVerificationCode'),
    checkVerificationCode: provided<CheckCodeOutput, CheckCodeInput>('checkVerificationCode'),
    checkNewPassword: provided<CheckPasswordOutput, CheckPasswordInput>('checkNewPassword'),
    issueCertificate: provided<IssueOutput, IssueInput>('issueCertificate'),
    findValidCertificate: provided<FindCertificateOutput, FindCertificateInput>('findValidCertificate'),
    unlockUploadedCertificate: provided<UnlockOutput, UnlockInput>('unlockUploadedCertificate'),
    completeRegistration: provided<CompleteRegistrationOutput, CompleteRegistrationInput>('completeRegistration'),
    listCertificates: provided<ListCertificatesOutput, ListCertificatesInput>('listCertificates'),
    releaseCertificate: provided<ReleaseOutput, ReleaseInput>('releaseCertificate'),
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
    apologize: emit({ type: 'reply', key: 'system.stepFailed', choices: ['menu.choices.agent'] }),
    /** A journey's question; asked again, with the same words, when the answer did not fit. */
    ask: emit((_, question: Reply) => ({ type: 'reply' as const, ...question })),
  },
  guards: {
    namesLanguage: ({ event }) => event.type === 'LANGUAGE' && event.language !== undefined,
    isChitChat: ({ event }) => event.type === 'TEXT' || event.type === 'YES' || event.type === 'NO' || event.type === 'START',
    reachesMisunderstoodLimit: ({ context }) => context.misunderstood + 1 >= MISUNDERSTOOD_LIMIT,
  },
});

/**
 * An answer a journey's question cannot use: the question is asked again, and after a few misses
 * in a row the customer is offered a person. Questions forget earlier misses on entry.
 */
export function askAgain<TQuestion>(question: TQuestion) {
  return [
    { guard: 'reachesMisunderstoodLimit', target: '#root.offeringAgent' },
    { actions: ['countMisunderstanding', question] },
  ] as const;
}

/**
 * A question answered with a secret (a password): taken as typed, and its message deleted where
 * the channel allows. Where the channel shows a masked field, a password typed in the open
 * message box is refused, since it would stay on screen, and the field is offered again.
 */
export function secretQuestion(key: string, next: string) {
  const ask = { type: 'ask', params: { key, asks: 'password' } } as const;
  return {
    tags: 'secretInput',
    entry: ask,
    on: { TEXT: next, SECRET_TYPED: { actions: [{ type: 'ask', params: { key: 'cards.typedPassword' } }, ask] } },
  } as const;
}
