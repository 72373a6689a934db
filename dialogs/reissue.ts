import { assign, emit } from 'xstate';
import type { RevocationReason } from './contract/domain';
import { additionalAuthentication } from './additionalAuthentication';
import { certificatePicker } from './certificatePicker';
import { FlowContext, askAgain, flow } from './flowSetup';
import { identityVerification } from './identityVerification';
import { newCertificate } from './newCertificate';
import type { CertificateChoice } from './contract/services';
import type { ReplyParams } from './contract/replies';
import { YES_NO_CHOICES } from './contract/replies';

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
const OFFER_RENEWAL = {
  type: 'ask',
  params: ({ context }: { context: FlowContext }) => ({ key: 'reissue.offerRenewal', params: describe(context.certificates?.picked), choices: YES_NO_CHOICES }),
} as const;
const CONFIRM_REVOCATION = {
  type: 'ask',
  params: ({ context }: { context: FlowContext }) => ({ key: 'reissue.confirmRevocation', params: describe(context.certificates?.picked), choices: YES_NO_CHOICES }),
} as const;

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
      entry: emit(({ context }) => ({ type: 'reply' as const, key: 'reissue.otherInstitution', params: describe(context.certificates?.picked) })),
      always: '#root.menu',
    },
    alreadyExpired: {
      entry: emit(({ context }) => ({ type: 'reply' as const, key: 'reissue.expired', params: describe(context.certificates?.picked) })),
      always: '#root.menu',
    },
    offeringRenewal: {
      entry: ['forgetMisunderstandings', OFFER_RENEWAL],
      on: {
        YES: { target: 'creatingCertificate', actions: assign(({ context }) => replacing(context, 'renewal', 'superseded')) },
        NO: 'choosingReason',
        // "갱신할게요" answers the question; "재발급할래요" declines it.
        REISSUE: [
          { guard: ({ event }) => /갱신|renew/i.test(event.text), target: 'creatingCertificate', actions: assign(({ context }) => replacing(context, 'renewal', 'superseded')) },
          { target: 'choosingReason' },
        ],
        TEXT: askAgain(OFFER_RENEWAL),
      },
    },
    choosingReason: {
      entry: ['forgetMisunderstandings', ASK_REASON],
      on: {
        // "분실", "비밀번호를 잊었어요" are also read as a reissue request: here they are the answer.
        REISSUE: [
          { guard: ({ event }) => reasonIn(event.text) !== undefined, target: 'confirmingRevocation', actions: assign(({ context, event }) => replacingFor(context, event.text)) },
          ...askAgain(ASK_REASON),
        ],
        TEXT: [
          { guard: ({ event }) => reasonIn(event.text) !== undefined, target: 'confirmingRevocation', actions: assign(({ context, event }) => replacingFor(context, event.text)) },
          ...askAgain(ASK_REASON),
        ],
      },
    },
    confirmingRevocation: {
      entry: ['forgetMisunderstandings', CONFIRM_REVOCATION],
      on: {
        YES: 'creatingCertificate',
        NO: { target: '#root.menu', actions: emit({ type: 'reply', key: 'reissue.kept' }) },
        TEXT: askAgain(CONFIRM_REVOCATION),
      },
    },
    creatingCertificate: newCertificate,
  },
});

/** The reason named by a choice's number or by the customer's words; the password comes first, as "비밀번호 분실" also says 분실. */
function reasonIn(text: string): ReissueReason | undefined {
  const number = /^\s*([1-4])(?!\d)/.exec(text)?.[1];
  if (number !== undefined) return (Object.keys(REISSUE_REASONS) as ReissueReason[])[Number(number) - 1];
  if (/비밀번호|비번|암호|password/i.test(text)) return 'forgotPassword';
  if (/유출|해킹|도용|노출|leak|compromis|stolen|hack/i.test(text)) return 'leaked';
  if (/분실|잃어|잃었|lost|lose/i.test(text)) return 'lost';
  if (/기타|other/i.test(text)) return 'other';
  return undefined;
}

function replacingFor(context: FlowContext, text: string): Partial<FlowContext> {
  return replacing(context, 'reissue', REISSUE_REASONS[reasonIn(text) ?? 'other']);
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
