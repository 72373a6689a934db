import { assign, emit } from 'xstate';
import type { RevocationReason } from '../contract/domain';
import { additionalAuthentication } from '../steps/additionalAuthentication';
import { certificatePicker } from '../steps/certificatePicker';
import { FlowContext, askAgain, flow, yesNoQuestion } from '../flowSetup';
import { identityVerification } from '../steps/identityVerification';
import { newCertificate } from '../steps/newCertificate';
import type { CertificateChoice } from '../contract/services';
import type { Reply, ReplyParams } from '../contract/replies';

/** A certificate this close to its expiry is offered renewal (갱신) rather than reissue. */
const RENEWAL_WINDOW_DAYS = 30;

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
 * 인증서 재발급 and 갱신: 본인 인증 and 추가 인증, then the customer picks one of their
 * certificates here. One about to expire may be renewed for another year; otherwise it is
 * reissued with the same expiry, for a reason the customer gives. Either way the old one is
 * revoked once the new one is issued, and the customer is told what that means.
 */
export const reissue = flow.createStateConfig({
  initial: 'verifyingIdentity',
  entry: assign({ issuance: {} }),
  exit: assign({ issuance: undefined, identity: undefined, certificates: undefined }),
  states: {
    verifyingIdentity: { ...identityVerification, onDone: 'authenticatingFurther' },
    authenticatingFurther: { ...additionalAuthentication, onDone: 'picking' },
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
      yes: 'creatingCertificate',
      no: { target: '#root.menu', actions: emit({ type: 'reply', key: 'reissue.kept' }) },
    }),
    creatingCertificate: newCertificate,
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
