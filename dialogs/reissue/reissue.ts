import { assign, emit } from 'xstate';
import { RENEWAL_WINDOW_DAYS, type RevocationReason } from '../contract/domain';
import { additionalAuthentication } from '../steps/additionalAuthentication';
import { certificatePicker } from '../steps/certificatePicker';
import { FlowContext, askAgain, flow, yesNoQuestion } from '../flowSetup';
import { identityVerification } from '../steps/identityVerification';
import { renewalOnDevice, replacementOnDevice } from '../steps/certificateOnDevice';
import type { CertificateChoice } from '../contract/services';
import type { Reply, ReplyParams } from '../contract/replies';

/** Why the customer needs a new certificate, and the reason the old one is revoked with. */
const REISSUE_REASONS = {
  lost: 'superseded',
  forgotPassword: 'superseded',
  leaked: 'keyCompromise',
  other: 'unspecified',
} as const satisfies Record<string, RevocationReason>;
type ReissueReason = keyof typeof REISSUE_REASONS;

const REASON_CHOICES = Object.keys(REISSUE_REASONS).map((reason) => `reissue.reasons.${reason}`);

const ASK_REASON = { type: 'ask', params: { key: 'reissue.askReason', choices: REASON_CHOICES } } as const;
const renewalOffer = ({ context }: { context: FlowContext }): Reply => ({
  key: 'reissue.offerRenewal',
  params: describe(context.certificates?.picked),
});
const revocationNotice = ({ context }: { context: FlowContext }): Reply => ({
  key: 'reissue.confirmRevocation',
  params: describe(context.certificates?.picked),
});

/**
 * 인증서 재발급 and 갱신: after 본인 인증 (or the bank's app's word) the customer picks one of their
 * certificates here. One about to expire may be renewed for another year, authorised on the page
 * by its own key; otherwise it is reissued with the same expiry, for a reason the customer gives,
 * after 추가 인증. Either way the old one is revoked once the new one is issued, and the customer
 * is told what that means. Asked for 갱신 outright by someone the bank's app did not vouch for, the
 * journey skips 본인 인증 and the pick: the renewal page's proof of the current key says who they
 * are and which certificate is renewed.
 */
export const reissue = flow.createStateConfig({
  initial: 'starting',
  entry: assign({ issuance: {} }),
  exit: assign({ issuance: undefined, identity: undefined, certificates: undefined }),
  states: {
    // The event that started the journey tells a renewal request (갱신) from a reissue (재발급).
    starting: {
      always: [
        {
          guard: ({ context, event }) => event.type === 'REISSUE' && event.renewal === true && context.appCustomer === undefined,
          target: 'renewingByKey',
        },
        { target: 'verifyingIdentity' },
      ],
    },
    renewingByKey: renewalOnDevice('reissuing'),
    verifyingIdentity: { ...identityVerification('reissuing'), onDone: 'picking' },
    picking: {
      ...certificatePicker('any', { none: 'reissue.none', prompt: 'reissue.pick' }),
      onDone: [
        { guard: ({ context }) => context.certificates?.picked?.origin === 'registered', target: 'issuedElsewhere' },
        { guard: ({ context }) => (context.certificates?.picked?.daysLeft ?? 0) <= 0, target: 'alreadyExpired' },
        { guard: ({ context }) => (context.certificates?.picked?.daysLeft ?? 0) <= RENEWAL_WINDOW_DAYS, target: 'offeringRenewal' },
        { target: 'choosingReason' },
      ],
    },
    // Said on entry, while the journey still holds the pick (leaving it clears the context).
    issuedElsewhere: {
      entry: emit(({ context }) => ({
        type: 'reply' as const,
        key: 'reissue.otherInstitution',
        params: describe(context.certificates?.picked),
      })),
      always: '#root.menu',
    },
    alreadyExpired: {
      entry: emit(({ context }) => ({ type: 'reply' as const, key: 'reissue.expired', params: describe(context.certificates?.picked) })),
      always: '#root.menu',
    },
    offeringRenewal: yesNoQuestion(
      renewalOffer,
      {
        yes: { target: 'creatingCertificate', actions: assign(({ context }) => replacing(context, 'renewal', 'superseded')) },
        no: 'choosingReason',
      },
      {
        // "갱신할게요" answers the question; "재발급할래요" declines it.
        REISSUE: [
          {
            guard: ({ event }) => event.renewal === true,
            target: 'creatingCertificate',
            actions: assign(({ context }) => replacing(context, 'renewal', 'superseded')),
          },
          { target: 'choosingReason' },
        ],
      },
    ),
    choosingReason: {
      entry: ['forgetMisunderstandings', ASK_REASON],
      on: {
        CHOICE: [
          {
            guard: ({ event }) => reasonOf(event.choice) !== undefined,
            target: 'confirmingRevocation',
            actions: assign(({ context, event }) => replacingFor(context, event.choice)),
          },
          ...askAgain(ASK_REASON),
        ],
        REISSUE: askAgain(ASK_REASON),
        TEXT: askAgain(ASK_REASON),
      },
    },
    confirmingRevocation: yesNoQuestion(revocationNotice, {
      yes: 'authenticatingFurther',
      no: { target: '#root.menu', actions: emit({ type: 'reply', key: 'reissue.kept' }) },
    }),
    // A reissue replaces a certificate the customer may no longer hold: 추가 인증 first (전자금융사기 예방).
    authenticatingFurther: { ...additionalAuthentication('reissuing'), onDone: 'creatingCertificate' },
    creatingCertificate: replacementOnDevice('reissuing'),
  },
});

/** The reason a choice names (`reissue.reasons.lost` → lost). */
function reasonOf(choice: string): ReissueReason | undefined {
  const reason = choice.replace(/^reissue\.reasons\./, '');
  return reason in REISSUE_REASONS ? (reason as ReissueReason) : undefined;
}

function replacingFor(context: FlowContext, choice: string): Partial<FlowContext> {
  return replacing(context, 'reissue', REISSUE_REASONS[reasonOf(choice) ?? 'other']);
}

/** The plan for the new certificate: same kind as the old one, which it replaces. */
function replacing(context: FlowContext, mode: 'renewal' | 'reissue', reason: RevocationReason): Partial<FlowContext> {
  const picked = context.certificates?.picked;
  return {
    issuance: {
      type: picked?.kind === 'personalGeneral' ? 'personalGeneral' : 'personalBanking',
      replaces: picked && { mode, reason, fingerprint: picked.fingerprint, notAfter: picked.notAfter },
    },
  };
}

function describe(picked: CertificateChoice | undefined): ReplyParams {
  return {
    ca: { key: `certificates.cas.${picked?.ca ?? 'unknown'}` },
    kind: { key: `certificates.kinds.${picked?.kind ?? 'other'}` },
    serial: picked?.serialNumber ?? '',
    notAfter: picked?.notAfter ?? '',
    days: Math.max(picked?.daysLeft ?? 0, 0),
  };
}
