import { emit } from 'xstate';
import { flow, onSecurePage } from '../flowSetup';

/**
 * 추가 인증 (전자금융사기 예방서비스): issuance, reissue and other-institution registration can
 * hand a certificate to whoever holds them, so the bank asks for a second code, to the phone on
 * file, after 본인 인증 (or the bank's app's word). The code is typed on the secure page, never in the chat.
 */
export function additionalAuthentication(journey: string) {
  return flow.createStateConfig({
    initial: 'onSecurePage',
    states: {
      onSecurePage: onSecurePage('additional', journey, {
        ADDITIONAL_VERIFIED: { target: 'confirmed', actions: emit({ type: 'reply', key: 'codes.additional.done' }) },
        // Too many wrong codes: the page is locked for a while; a person can help meanwhile.
        SECURE_FAILED: { target: '#root.offeringAgentAfterLockout', actions: 'explainFailure' },
      }),
      confirmed: { type: 'final' },
    },
  });
}
