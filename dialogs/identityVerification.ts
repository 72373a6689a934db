import { assign, emit } from 'xstate';
import { parseCarrier } from '../src/identity/phoneNumber';
import { flow } from './flowSetup';
import { CARRIER_CHOICES } from './replies';

/**
 * 본인 인증, as the bank's article has it: name, 주민등록번호, 통신사 and 휴대폰 번호, then the
 * one-time code sent to that phone. The 주민등록번호 and phone number arrive already hashed,
 * masked and sealed; the code is checked within its turn and never kept.
 */
export const identityVerification = flow.createStateConfig({
  initial: 'askingName',
  entry: assign({ identityDraft: {} }),
  exit: assign({ identityDraft: undefined }),
  states: {
    askingName: {
      entry: emit({ type: 'reply', key: 'identity.askName' }),
      on: {
        TEXT: [
          {
            guard: ({ event }) => /^[\p{L} ]{2,30}$/u.test(event.text.trim()),
            target: 'askingRrn',
            actions: assign(({ context, event }) => ({ identityDraft: { ...context.identityDraft, name: event.text.trim() } })),
          },
          { actions: emit({ type: 'reply', key: 'identity.nameInvalid' }) },
        ],
      },
    },
    askingRrn: {
      entry: emit({ type: 'reply', key: 'identity.askRrn' }),
      on: {
        RRN: {
          target: 'askingCarrier',
          actions: [
            assign(({ context, event }) => ({
              identityDraft: { ...context.identityDraft, customerId: event.customerId, maskedRrn: event.masked, birthDate: event.birthDate, sealedRrn: event.sealed },
            })),
            emit(({ event }) => ({ type: 'reply' as const, key: 'identity.rrnReceived', params: { masked: event.masked } })),
          ],
        },
        RRN_INVALID: { actions: emit(({ event }) => ({ type: 'reply' as const, key: `identity.rrnInvalid.${event.problem}` })) },
        TEXT: { actions: emit({ type: 'reply', key: 'identity.rrnInvalid.format' }) },
      },
    },
    askingCarrier: {
      entry: emit({ type: 'reply', key: 'identity.askCarrier', choices: CARRIER_CHOICES }),
      on: {
        TEXT: [
          {
            guard: ({ event }) => parseCarrier(event.text).ok,
            target: 'askingPhone',
            actions: assign(({ context, event }) => {
              const parsed = parseCarrier(event.text);
              return { identityDraft: { ...context.identityDraft, carrier: parsed.ok ? parsed.value : undefined } };
            }),
          },
          { target: 'askingCarrier', reenter: true },
        ],
      },
    },
    askingPhone: {
      entry: emit({ type: 'reply', key: 'identity.askPhone' }),
      on: {
        PHONE: {
          target: 'sendingCode',
          actions: assign(({ context, event }) => ({ identityDraft: { ...context.identityDraft, maskedPhone: event.masked, sealedPhone: event.sealed } })),
        },
        TEXT: { actions: emit({ type: 'reply', key: 'identity.phoneInvalid' }) },
      },
    },
    sendingCode: {
      tags: 'busy',
      invoke: {
        src: 'sendVerificationCode',
        input: ({ context }) => {
          const d = context.identityDraft ?? {};
          return {
            customerId: d.customerId ?? '',
            name: d.name ?? '',
            sealedRrn: d.sealedRrn ?? '',
            carrier: d.carrier ?? 'SKT',
            sealedPhone: d.sealedPhone ?? '',
            purpose: 'identity' as const,
            previous: d.challenge,
          };
        },
        onDone: [
          {
            guard: ({ event }) => event.output.status === 'locked',
            target: '#root.offeringAgentAfterLockout',
            actions: emit({ type: 'reply', key: 'identity.locked' }),
          },
          {
            guard: ({ event }) => event.output.status === 'tooSoon',
            target: 'awaitingCode',
            actions: emit({ type: 'reply', key: 'identity.resendTooSoon' }),
          },
          {
            target: 'awaitingCode',
            actions: [
              assign(({ context, event }) => ({
                identityDraft: { ...context.identityDraft, challenge: event.output.status === 'sent' ? event.output.challenge : undefined },
              })),
              emit(({ context }) => ({ type: 'reply' as const, key: 'identity.codeSent', params: { phone: context.identityDraft?.maskedPhone ?? '' } })),
              emit(({ event }) => ({
                type: 'reply' as const,
                // Local mode only: the sandbox shows the code it "sent", so a newcomer can go on.
                key: event.output.status === 'sent' && event.output.sandboxCode !== undefined ? 'identity.sandboxCode' : 'identity.codeHint',
                params: { code: event.output.status === 'sent' ? (event.output.sandboxCode ?? '') : '' },
              })),
            ],
          },
        ],
        onError: { target: '#root.menu', actions: emit({ type: 'reply', key: 'system.serviceUnavailable', choices: ['menu.choices.agent'] }) },
      },
    },
    awaitingCode: {
      on: {
        TEXT: 'checkingCode',
        RESEND: 'sendingCode',
      },
    },
    checkingCode: {
      tags: 'busy',
      invoke: {
        src: 'checkVerificationCode',
        input: ({ context, event }) => ({
          customerId: context.identityDraft?.customerId ?? '',
          challenge: context.identityDraft?.challenge ?? { id: '', purpose: 'identity', codeHash: '', expiresAt: 0, attempts: 0, sentAt: 0 },
          code: event.type === 'TEXT' ? event.text : '',
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.result === 'ok',
            target: 'verified',
            actions: [
              assign(({ context }) => {
                const d = context.identityDraft ?? {};
                return {
                  identity: {
                    name: d.name ?? '',
                    customerId: d.customerId ?? '',
                    maskedRrn: d.maskedRrn ?? '',
                    birthDate: d.birthDate ?? [],
                    sealedRrn: d.sealedRrn ?? '',
                    maskedPhone: d.maskedPhone ?? '',
                    sealedPhone: d.sealedPhone ?? '',
                  },
                };
              }),
              emit({ type: 'reply', key: 'identity.verified' }),
            ],
          },
          {
            guard: ({ event }) => event.output.result === 'wrong',
            target: 'awaitingCode',
            actions: [
              assign(({ context, event }) => ({
                identityDraft: { ...context.identityDraft, challenge: event.output.result === 'wrong' ? event.output.challenge : context.identityDraft?.challenge },
              })),
              emit(({ event }) => ({ type: 'reply' as const, key: 'identity.codeWrong', params: { left: event.output.result === 'wrong' ? event.output.attemptsLeft : 0 } })),
            ],
          },
          {
            guard: ({ event }) => event.output.result === 'expired',
            target: 'awaitingCode',
            actions: emit({ type: 'reply', key: 'identity.codeExpired', choices: ['identity.resendChoice'] }),
          },
          { target: '#root.offeringAgentAfterLockout', actions: emit({ type: 'reply', key: 'identity.locked' }) },
        ],
        onError: { target: '#root.menu', actions: emit({ type: 'reply', key: 'system.serviceUnavailable', choices: ['menu.choices.agent'] }) },
      },
    },
    verified: { type: 'final' },
  },
});
