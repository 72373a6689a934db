import { assign, emit } from 'xstate';
import { flow, onSecurePage } from '../flowSetup';

/**
 * 본인 인증. In the bank's app the customer is already verified (the app passed them with the
 * chat's token): nothing to do. Anywhere else it happens on the secure page (consents, name,
 * 주민등록번호, carrier, phone, the one-time code); the chat only waits, and keeps what the page
 * verified: masked, hashed and sealed values.
 */
export function identityVerification(journey: string) {
  return flow.createStateConfig({
    initial: 'checking',
    states: {
      checking: {
        always: [
          {
            guard: ({ context }) => context.appCustomer !== undefined,
            target: 'verified',
            actions: assign(({ context }) => ({ identity: context.appCustomer })),
          },
          { target: 'onSecurePage' },
        ],
      },
      onSecurePage: onSecurePage('identity', journey, {
        IDENTITY_VERIFIED: {
          target: 'verified',
          actions: [assign(({ event }) => ({ identity: event.identity })), emit({ type: 'reply', key: 'identity.verified' })],
        },
        // Too many wrong codes: the page is locked for a while; a person can help meanwhile.
        SECURE_FAILED: { target: '#root.offeringAgentAfterLockout', actions: 'explainFailure' },
      }),
      verified: { type: 'final' },
    },
  });
}
