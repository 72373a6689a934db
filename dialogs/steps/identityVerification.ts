import { assign, emit } from 'xstate';
import { askAgain, flow } from '../flowSetup';
import { oneTimeCode } from './oneTimeCode';
import { CARRIER_CHOICES } from '../contract/replies';

const ASK_CARRIER = { type: 'ask', params: { key: 'identity.askCarrier', choices: CARRIER_CHOICES, asks: 'carrier' } } as const;

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
      entry: { type: 'ask', params: { key: 'identity.askName' } },
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
      entry: { type: 'ask', params: { key: 'identity.askRrn' } },
      on: {
        RRN: {
          target: 'askingCarrier',
          actions: [
            assign(({ context, event }) => ({
              identityDraft: {
                ...context.identityDraft,
                customerId: event.customerId,
                maskedRrn: event.masked,
                birthDate: event.birthDate,
                sealedRrn: event.sealed,
              },
            })),
            emit(({ event }) => ({ type: 'reply' as const, key: 'identity.rrnReceived', params: { masked: event.masked } })),
          ],
        },
        RRN_INVALID: { actions: emit(({ event }) => ({ type: 'reply' as const, key: `identity.rrnInvalid.${event.problem}` })) },
        TEXT: { actions: emit({ type: 'reply', key: 'identity.rrnInvalid.format' }) },
      },
    },
    askingCarrier: {
      entry: ['forgetMisunderstandings', ASK_CARRIER],
      on: {
        CARRIER: {
          target: 'askingPhone',
          actions: assign(({ context, event }) => ({ identityDraft: { ...context.identityDraft, carrier: event.carrier } })),
        },
        TEXT: askAgain(ASK_CARRIER),
        CHOICE: askAgain(ASK_CARRIER),
      },
    },
    askingPhone: {
      entry: { type: 'ask', params: { key: 'identity.askPhone' } },
      on: {
        PHONE: {
          target: 'confirmingPhone',
          actions: assign(({ context, event }) => ({
            identityDraft: { ...context.identityDraft, maskedPhone: event.masked, sealedPhone: event.sealed },
          })),
        },
        TEXT: { actions: emit({ type: 'reply', key: 'identity.phoneInvalid' }) },
      },
    },
    confirmingPhone: {
      ...oneTimeCode('identity', (context) => context.identityDraft),
      onDone: {
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
                carrier: d.carrier ?? 'SKT',
                maskedPhone: d.maskedPhone ?? '',
                sealedPhone: d.sealedPhone ?? '',
              },
            };
          }),
          emit({ type: 'reply', key: 'identity.verified' }),
        ],
      },
    },
    verified: { type: 'final' },
  },
});
