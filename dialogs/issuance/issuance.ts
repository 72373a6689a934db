import { assign, emit } from 'xstate';
import { askAgain, flow, yesNoQuestion } from '../flowSetup';
import { certificateOnDevice } from '../steps/certificateOnDevice';
import { identityVerification } from '../steps/identityVerification';
import { additionalAuthentication } from '../steps/additionalAuthentication';

const TYPES = { 'issuance.types.personalBanking': 'personalBanking', 'issuance.types.personalGeneral': 'personalGeneral' } as const;
const CHOOSE_TYPE = { type: 'ask', params: { key: 'issuance.chooseType', choices: Object.keys(TYPES) } } as const;

/**
 * 공동인증서 발급, following the bank's procedure: 본인 인증 and 추가 인증, then the terms, the kind of
 * certificate, then the certificate made on the customer's device (shared with reissue).
 */
export const issuance = flow.createStateConfig({
  initial: 'verifyingIdentity',
  entry: assign({ issuance: {} }),
  // A verified identity is not kept past the journey: the next one verifies again.
  exit: assign({ issuance: undefined, identity: undefined }),
  states: {
    verifyingIdentity: { ...identityVerification('issuing'), onDone: 'authenticatingFurther' },
    authenticatingFurther: { ...additionalAuthentication('issuing'), onDone: 'agreeingToTerms' },
    agreeingToTerms: yesNoQuestion(
      { key: 'issuance.terms', choices: ['issuance.agree', 'yesNo.no'] },
      { yes: 'choosingType', no: { target: '#root.menu', actions: emit({ type: 'reply', key: 'issuance.termsDeclined' }) } },
    ),
    choosingType: {
      entry: ['forgetMisunderstandings', CHOOSE_TYPE],
      on: {
        CHOICE: [
          {
            guard: ({ event }) => event.choice in TYPES,
            target: 'checkingExisting',
            actions: assign(({ event }) => ({ issuance: { type: TYPES[event.choice as keyof typeof TYPES] } })),
          },
          ...askAgain(CHOOSE_TYPE),
        ],
        TEXT: askAgain(CHOOSE_TYPE),
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
            actions: emit(({ event }) => ({
              type: 'reply' as const,
              key: 'issuance.alreadyHave',
              params: { notAfter: event.output.notAfter ?? '' },
            })),
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
    creatingCertificate: certificateOnDevice('issuing'),
  },
});
