import { assign, emit } from 'xstate';
import { askAgain, flow } from './flowSetup';
import { identityVerification } from './identityVerification';
import { newCertificate } from './newCertificate';

export const CERTIFICATE_TYPE_CHOICES = ['issuance.types.personalBanking', 'issuance.types.personalGeneral'] as const;

const TERMS = { type: 'ask', params: { key: 'issuance.terms', choices: ['issuance.agree', 'yesNo.no'] } } as const;
const CHOOSE_TYPE = { type: 'ask', params: { key: 'issuance.chooseType', choices: CERTIFICATE_TYPE_CHOICES } } as const;

/**
 * 공동인증서 발급, following the bank's procedure: 본인 인증, then the terms, the kind of
 * certificate, then a new certificate with its password (shared with reissue).
 */
export const issuance = flow.createStateConfig({
  initial: 'verifyingIdentity',
  entry: assign({ issuance: {} }),
  // A verified identity is not kept past the journey: the next one verifies again.
  exit: assign({ issuance: undefined, identity: undefined }),
  states: {
    verifyingIdentity: { ...identityVerification, onDone: 'agreeingToTerms' },
    agreeingToTerms: {
      entry: ['forgetMisunderstandings', TERMS],
      on: {
        YES: 'choosingType',
        NO: { target: '#root.menu', actions: emit({ type: 'reply', key: 'issuance.termsDeclined' }) },
        TEXT: askAgain(TERMS),
      },
    },
    choosingType: {
      entry: ['forgetMisunderstandings', CHOOSE_TYPE],
      on: {
        TEXT: [
          {
            guard: ({ event }) => /범용|general|4,?400/i.test(event.text),
            target: 'checkingExisting',
            actions: assign({ issuance: { type: 'personalGeneral' } }),
          },
          {
            guard: ({ event }) => /은행|신용카드|보험|bank|card|insurance|무료|free/i.test(event.text),
            target: 'checkingExisting',
            actions: assign({ issuance: { type: 'personalBanking' } }),
          },
          ...askAgain(CHOOSE_TYPE),
        ],
      },
    },
    // A customer who already holds a valid certificate of that type here needs a reissue, not a second one.
    checkingExisting: {
      tags: 'busy',
      invoke: {
        src: 'findValidCertificate',
        input: ({ context }) => ({ customerId: context.identity?.customerId ?? '', type: context.issuance?.type ?? 'personalBanking' }),
        onDone: [
          {
            guard: ({ event }) => event.output.notAfter !== undefined,
            target: '#root.menu',
            actions: emit(({ event }) => ({ type: 'reply' as const, key: 'issuance.alreadyHave', params: { notAfter: event.output.notAfter ?? '' } })),
          },
          {
            guard: ({ context }) => context.issuance?.type === 'personalGeneral',
            target: 'creatingCertificate',
            actions: emit({ type: 'reply', key: 'issuance.feeNotice' }),
          },
          { target: 'creatingCertificate' },
        ],
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
    creatingCertificate: newCertificate,
  },
});
