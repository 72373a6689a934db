import { assign, emit, enqueueActions } from 'xstate';
import type { MobileCarrier, OtpPurpose } from '../contract/domain';
import { FlowContext, askAgain, flow } from '../flowSetup';

/** Whom a code goes to: what 본인 인증 gathered so far, or the verified customer. */
interface CodeRecipient {
  readonly customerId?: string;
  readonly name?: string;
  readonly sealedRrn?: string;
  readonly carrier?: MobileCarrier;
  readonly maskedPhone?: string;
  readonly sealedPhone?: string;
}

const NO_CHALLENGE = { id: '', purpose: 'identity', codeHash: '', expiresAt: 0 } as const;
const ASK_CODE = { type: 'ask', params: { key: 'identity.codeHint', choices: ['identity.resendChoice'] } } as const;

/**
 * A one-time code sent to the customer's phone, typed back, and checked within its turn: the
 * last step of 본인 인증, and the whole of the 추가 인증 (전자금융사기 예방서비스). It can be
 * resent, 30 s after the previous code to that phone and 5 times an hour at most. Wrong codes
 * count per customer and per phone, whatever the challenge or conversation; the 5th locks
 * both and offers an agent. Reaching `confirmed` (final) means the code was right.
 */
export function oneTimeCode(purpose: OtpPurpose, recipient: (context: FlowContext) => CodeRecipient | undefined) {
  return flow.createStateConfig({
    initial: 'sendingCode',
    exit: assign({ codeChallenge: undefined }),
    states: {
      sendingCode: {
        tags: 'busy',
        invoke: {
          src: 'sendVerificationCode',
          input: ({ context }) => {
            const to = recipient(context) ?? {};
            return {
              customerId: to.customerId ?? '',
              name: to.name ?? '',
              sealedRrn: to.sealedRrn ?? '',
              carrier: to.carrier ?? 'SKT',
              sealedPhone: to.sealedPhone ?? '',
              purpose,
              previous: context.codeChallenge,
            };
          },
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'locked',
              target: '#root.offeringAgentAfterLockout',
              actions: emit(({ event }) => ({
                type: 'reply' as const,
                key: 'identity.locked',
                params: { until: event.output.status === 'locked' ? event.output.until : 0 },
              })),
            },
            {
              guard: ({ event }) => event.output.status === 'hourlyLimit',
              target: '#root.offeringAgentAfterLockout',
              actions: emit(({ event }) => ({
                type: 'reply' as const,
                key: 'identity.hourlyLimit',
                params: { retryAt: event.output.status === 'hourlyLimit' ? event.output.retryAt : 0 },
              })),
            },
            {
              // A code still out can be typed meanwhile; with none yet, the next message asks again.
              guard: ({ event }) => event.output.status === 'tooSoon',
              target: 'awaitingCode',
              actions: {
                type: 'ask',
                params: ({ event }) => ({
                  key: 'identity.resendTooSoon',
                  params: { seconds: event.output.status === 'tooSoon' ? Math.ceil(event.output.retryAfterMs / 1000) : 0 },
                  choices: ['identity.resendChoice'],
                }),
              },
            },
            {
              target: 'awaitingCode',
              actions: [
                assign(({ event }) => ({ codeChallenge: event.output.status === 'sent' ? event.output.challenge : undefined })),
                emit(({ context }) => ({
                  type: 'reply' as const,
                  key: `codes.${purpose}.sent`,
                  params: { phone: recipient(context)?.maskedPhone ?? '' },
                })),
                // The sandbox only: it shows the code it "sent", so a newcomer can go on. Never part of the question, which is kept.
                enqueueActions(({ enqueue, event }) => {
                  if (event.output.status === 'sent' && event.output.sandboxCode !== undefined) {
                    enqueue.emit({ type: 'reply' as const, key: 'identity.sandboxCode', params: { code: event.output.sandboxCode } });
                  }
                }),
                ASK_CODE,
              ],
            },
          ],
          onError: {
            target: '#root.menu',
            actions: emit({ type: 'reply', key: 'system.serviceUnavailable', choices: ['menu.choices.agent'] }),
          },
        },
      },
      awaitingCode: {
        on: {
          TEXT: [{ guard: ({ context }) => context.codeChallenge === undefined, target: 'sendingCode' }, { target: 'checkingCode' }],
          RESEND: 'sendingCode',
          CHOICE: askAgain(ASK_CODE),
        },
      },
      checkingCode: {
        tags: 'busy',
        invoke: {
          src: 'checkVerificationCode',
          input: ({ context, event }) => ({
            customerId: recipient(context)?.customerId ?? '',
            sealedPhone: recipient(context)?.sealedPhone ?? '',
            challenge: context.codeChallenge ?? NO_CHALLENGE,
            code: event.type === 'TEXT' ? event.text : '',
          }),
          onDone: [
            { guard: ({ event }) => event.output.result === 'ok', target: 'confirmed' },
            {
              guard: ({ event }) => event.output.result === 'wrong',
              target: 'awaitingCode',
              actions: emit(({ event }) => ({
                type: 'reply' as const,
                key: 'identity.codeWrong',
                params: { left: event.output.result === 'wrong' ? event.output.attemptsLeft : 0 },
              })),
            },
            {
              guard: ({ event }) => event.output.result === 'expired',
              target: 'awaitingCode',
              actions: emit({ type: 'reply', key: 'identity.codeExpired', choices: ['identity.resendChoice'] }),
            },
            {
              target: '#root.offeringAgentAfterLockout',
              actions: emit(({ event }) => ({
                type: 'reply' as const,
                key: 'identity.locked',
                params: { until: event.output.result === 'locked' ? event.output.until : 0 },
              })),
            },
          ],
          onError: {
            target: '#root.menu',
            actions: emit({ type: 'reply', key: 'system.serviceUnavailable', choices: ['menu.choices.agent'] }),
          },
        },
      },
      confirmed: { type: 'final' },
    },
  });
}
