import { assign, emit } from 'xstate';
import type { FlowEmitted } from '../contract/replies';
import type { RegisteredCertificate } from '../contract/secure';
import { askAgain, flow, onSecurePage } from '../flowSetup';
import { additionalAuthentication } from '../steps/additionalAuthentication';
import { identityVerification } from '../steps/identityVerification';
import { certificateRelease } from './certificateRelease';

const ACTIONS = { add: 'registration.choices.add', manage: 'registration.choices.manage' } as const;
const CHOOSE_ACTION = { type: 'ask', params: { key: 'registration.chooseAction', choices: Object.values(ACTIONS) } } as const;

/**
 * 다른 기관 인증서 등록, as the bank's article has it: 본인 인증 and 추가 인증, then the
 * certificate and its password, then 등록 요청; or the registered ones listed and released.
 * The files and the password stay on the customer's device: on the secure page the device opens
 * them and signs a challenge, and the bank checks possession, the chain, expiry, revocation,
 * policy and the VID (R and the 주민등록번호 it verified).
 */
export const registration = flow.createStateConfig({
  initial: 'verifyingIdentity',
  // What the journey verified and listed goes with it, whatever the way out.
  exit: assign({ identity: undefined, certificates: undefined }),
  states: {
    verifyingIdentity: { ...identityVerification('registering'), onDone: 'authenticatingFurther' },
    authenticatingFurther: { ...additionalAuthentication('registering'), onDone: 'choosingAction' },
    // The menu offers 등록·해제 together; both need the customer verified first.
    choosingAction: {
      entry: ['forgetMisunderstandings', CHOOSE_ACTION],
      on: {
        REGISTER: [{ guard: ({ event }) => event.manage === true, target: 'managing' }, { target: 'provingPossession' }],
        CHOICE: [
          { guard: ({ event }) => event.choice === ACTIONS.add, target: 'provingPossession' },
          { guard: ({ event }) => event.choice === ACTIONS.manage, target: 'managing' },
          ...askAgain(CHOOSE_ACTION),
        ],
        TEXT: askAgain(CHOOSE_ACTION),
      },
    },
    managing: certificateRelease,
    provingPossession: onSecurePage('registration', 'registering', {
      CERTIFICATE_REGISTERED: { target: '#root.menu', actions: emit(({ event }) => registeredCard(event.registered)) },
      SECURE_FAILED: [
        // Five wrong passwords on the page lock registration for now; a person can help.
        {
          guard: ({ event }) => event.reason === 'passwordLocked',
          target: '#root.offeringAgentAfterLockout',
          actions: emit({ type: 'reply', key: 'registration.passwordLocked' }),
        },
        { guard: ({ event }) => event.reason === 'notYours', target: '#root.offeringAgentAfterLockout', actions: 'explainFailure' },
        // Files that cannot prove it (a PFX without R, an unknown format): other files may, so the page is offered again.
        {
          guard: ({ event }) => event.reason === 'noRandom' || event.reason === 'unsupported',
          actions: ['explainFailure', { type: 'openSecurePage', params: { kind: 'registration', journey: 'registering' } }],
        },
        { target: '#root.menu', actions: 'explainFailure' },
      ],
    }),
  },
});

function registeredCard(registered: RegisteredCertificate): FlowEmitted {
  return {
    type: 'reply',
    card: 'facts',
    key: 'registration.registered',
    params: {
      ca: { key: `certificates.cas.${registered.ca}` },
      kind: { key: `certificates.kinds.${registered.kind}` },
      notAfter: registered.notAfter,
      registeredAt: registered.registeredAt,
    },
  };
}
