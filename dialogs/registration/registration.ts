import { assign, emit, enqueueActions } from 'xstate';
import type { SealedFiles } from '../contract/events';
import { askAgain, flow, secretQuestion, type FlowContext } from '../flowSetup';
import { additionalAuthentication } from '../steps/additionalAuthentication';
import { certificateRelease } from './certificateRelease';
import { identityVerification } from '../steps/identityVerification';
import type { CompleteRegistrationOutput, UnlockOutput } from '../contract/services';
import type { FlowEmitted } from '../contract/replies';

/** After this many password turns that failed in a way that counts, registration is locked for the conversation. */
export const MAX_WRONG_PASSWORDS = 5;

/**
 * Password turns that count against MAX_WRONG_PASSWORDS: a wrong password, and a file whose key
 * protection we refuse to compute (or else such turns could be repeated forever).
 */
const COUNTED_FAILURES: ReadonlySet<string> = new Set(['wrongPassword', 'excessiveKeyProtection']);

const countsAsAttempt = (output: UnlockOutput): boolean => output.status === 'failed' && COUNTED_FAILURES.has(output.reason);
const failedWith = (output: UnlockOutput, reason: string): boolean => output.status === 'failed' && output.reason === reason;
const attemptsSoFar = (context: FlowContext): number => context.registration?.wrongPasswords ?? 0;
const isLastAttempt = (context: FlowContext): boolean => attemptsSoFar(context) + 1 >= MAX_WRONG_PASSWORDS;

const ACTIONS = { add: 'registration.choices.add', manage: 'registration.choices.manage' } as const;
const CHOOSE_ACTION = { type: 'ask', params: { key: 'registration.chooseAction', choices: Object.values(ACTIONS) } } as const;
const ASK_FILES = { type: 'ask', params: { key: 'registration.askFiles', asks: 'files' } } as const;

const complete = (files: SealedFiles) =>
  files.pfx !== undefined || files.zip !== undefined || (files.signCert !== undefined && files.signPri !== undefined);

/**
 * 다른 기관 인증서 등록, as the bank's article has it: 본인 인증 and 추가 인증, the certificate
 * files, the certificate's password, then 등록 요청; or the registered ones listed and released. The password turn runs every check but the owner's;
 * the 주민등록번호 is asked again for that one, so neither secret outlives its turn.
 */
export const registration = flow.createStateConfig({
  initial: 'verifyingIdentity',
  entry: assign({ registration: { files: {}, wrongPasswords: 0 } }),
  // The uploaded files and what they unlocked go with the journey, whatever the way out.
  exit: assign({ registration: undefined, identity: undefined, certificates: undefined }),
  states: {
    verifyingIdentity: { ...identityVerification, onDone: 'authenticatingFurther' },
    authenticatingFurther: { ...additionalAuthentication, onDone: 'choosingAction' },
    // The menu offers 등록·해제 together; both need the customer verified first.
    choosingAction: {
      entry: ['forgetMisunderstandings', CHOOSE_ACTION],
      on: {
        REGISTER: [{ guard: ({ event }) => event.manage === true, target: 'managing' }, { target: 'awaitingFiles' }],
        CHOICE: [
          { guard: ({ event }) => event.choice === ACTIONS.add, target: 'awaitingFiles' },
          { guard: ({ event }) => event.choice === ACTIONS.manage, target: 'managing' },
          ...askAgain(CHOOSE_ACTION),
        ],
        TEXT: askAgain(CHOOSE_ACTION),
      },
    },
    managing: certificateRelease,
    awaitingFiles: {
      entry: ['forgetMisunderstandings', ASK_FILES],
      on: {
        FILES: [
          {
            guard: ({ event }) => event.refused.length > 0,
            actions: enqueueActions(({ enqueue, event }) => {
              for (const reason of new Set(event.refused)) enqueue.emit({ type: 'reply', key: `registration.refused.${reason}` });
            }),
          },
          {
            guard: ({ context, event }) => complete({ ...context.registration?.files, ...event.files }),
            target: 'askingPassword',
            actions: assign(({ context, event }) => ({
              registration: { wrongPasswords: 0, ...context.registration, files: { ...context.registration?.files, ...event.files } },
            })),
          },
          {
            // One of the pair: wait for the other, in this message or the next.
            actions: [
              assign(({ context, event }) => ({
                registration: { wrongPasswords: 0, ...context.registration, files: { ...context.registration?.files, ...event.files } },
              })),
              emit(({ context }) => ({
                type: 'reply' as const,
                key: context.registration?.files.signCert ? 'registration.needKey' : 'registration.needCertificate',
              })),
            ],
          },
        ],
        TEXT: askAgain(ASK_FILES),
      },
    },
    askingPassword: secretQuestion('registration.askPassword', 'unlocking'),
    unlocking: {
      tags: 'busy',
      invoke: {
        src: 'unlockUploadedCertificate',
        input: ({ context, event }) => ({
          files: context.registration?.files ?? {},
          password: event.type === 'TEXT' ? event.text : '',
          customerId: context.identity?.customerId ?? '',
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.status === 'unlocked',
            target: 'askingRrnAgain',
            actions: assign(({ context, event }) => ({
              registration: {
                files: {},
                wrongPasswords: context.registration?.wrongPasswords ?? 0,
                sealedCertificate: event.output.status === 'unlocked' ? event.output.sealedCertificate : undefined,
                sealedRandomNum: event.output.status === 'unlocked' ? event.output.sealedRandomNum : undefined,
              },
            })),
          },
          {
            guard: ({ context, event }) => countsAsAttempt(event.output) && isLastAttempt(context),
            target: '#root.offeringAgentAfterLockout',
            actions: emit(({ event }) => ({
              type: 'reply' as const,
              key: failedWith(event.output, 'wrongPassword') ? 'registration.passwordLocked' : 'registration.excessiveKeyProtectionLocked',
            })),
          },
          {
            guard: ({ event }) => failedWith(event.output, 'wrongPassword'),
            target: 'askingPassword',
            actions: [
              assign(({ context }) => ({
                registration: { files: context.registration?.files ?? {}, wrongPasswords: attemptsSoFar(context) + 1 },
              })),
              emit(({ context }) => ({
                type: 'reply' as const,
                key: 'registration.wrongPassword',
                params: { left: MAX_WRONG_PASSWORDS - attemptsSoFar(context) },
              })),
            ],
          },
          {
            // No password opens this file at a cost we accept: other files, or an agent.
            guard: ({ event }) => failedWith(event.output, 'excessiveKeyProtection'),
            target: 'awaitingFiles',
            actions: [
              assign(({ context }) => ({ registration: { files: {}, wrongPasswords: attemptsSoFar(context) + 1 } })),
              emit(({ context }) => ({
                type: 'reply' as const,
                key: 'registration.failed.excessiveKeyProtection',
                params: { left: MAX_WRONG_PASSWORDS - attemptsSoFar(context) },
              })),
            ],
          },
          {
            // Nothing was tried: the same files and a password again, once the wait is over.
            guard: ({ event }) => event.output.status === 'deferred',
            target: 'askingPassword',
            actions: emit(({ event }) => deferral(event.output)),
          },
          {
            target: '#root.menu',
            actions: emit(({ event }) => refusal(event.output.status === 'failed' ? event.output : { reason: 'corruptFile' })),
          },
        ],
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
    askingRrnAgain: {
      entry: { type: 'ask', params: { key: 'registration.askRrnAgain' } },
      on: {
        RRN: [
          { guard: ({ context, event }) => event.customerId === context.identity?.customerId, target: 'registering' },
          { actions: emit({ type: 'reply', key: 'registration.rrnDiffers' }) },
        ],
        RRN_INVALID: { actions: emit(({ event }) => ({ type: 'reply' as const, key: `identity.rrnInvalid.${event.problem}` })) },
        TEXT: { actions: emit({ type: 'reply', key: 'identity.rrnInvalid.format' }) },
      },
    },
    registering: {
      tags: 'busy',
      invoke: {
        src: 'completeRegistration',
        input: ({ context, event }) => ({
          sealedCertificate: context.registration?.sealedCertificate ?? '',
          sealedRandomNum: context.registration?.sealedRandomNum,
          sealedRrn: event.type === 'RRN' ? event.sealed : '',
          customerId: context.identity?.customerId ?? '',
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.status === 'registered',
            target: '#root.menu',
            actions: emit(({ event }) => registeredCard(event.output)),
          },
          {
            target: '#root.offeringAgentAfterLockout',
            actions: emit(({ event }) => refusal(event.output.status === 'failed' ? event.output : { reason: 'ownerMismatch' })),
          },
        ],
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
  },
});

/** Each reason the certificate core gives has its own explanation and way forward. */
function refusal(failure: { reason: string; file?: string }): FlowEmitted {
  const byFile = failure.reason === 'corruptFile' || failure.reason === 'fileTooLarge';
  const key = `registration.failed.${failure.reason}${byFile && failure.file ? `.${failure.file}` : ''}`;
  // The menu that follows offers the way forward each explanation names (발급, 재발급, 상담원).
  return { type: 'reply', key };
}

/** When to try again: the customer's budget of key-derivation work is spent, or the bot is busy. */
function deferral(output: UnlockOutput): FlowEmitted {
  if (output.status !== 'deferred') return { type: 'reply', key: 'system.stepFailed' };
  return { type: 'reply', key: `registration.deferred.${output.cause}`, params: { minutes: output.retryAfterMinutes } };
}

function registeredCard(output: CompleteRegistrationOutput): FlowEmitted {
  if (output.status !== 'registered') return { type: 'reply', key: 'system.stepFailed' };
  return {
    type: 'reply',
    card: 'facts',
    key: 'registration.registered',
    params: {
      ca: { key: `certificates.cas.${output.ca}` },
      kind: { key: `certificates.kinds.${output.kind}` },
      notAfter: output.notAfter,
      registeredAt: output.registeredAt,
    },
  };
}
