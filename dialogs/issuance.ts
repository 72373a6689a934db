import { assign, emit, enqueueActions } from 'xstate';
import { flow } from './flowSetup';
import type { IssueOutput } from './serviceContracts';
import type { FlowEmitted } from './replies';
import { identityVerification } from './identityVerification';

export const CERTIFICATE_TYPE_CHOICES = ['issuance.types.personalBanking', 'issuance.types.personalGeneral'] as const;

/**
 * 공동인증서 발급, following the bank's procedure: 본인 인증, then the terms, the kind of
 * certificate, a password and its confirmation; the CA issues, and a one-time download link
 * is given with the article's advice. The password lives only in the turn that uses it.
 */
export const issuance = flow.createStateConfig({
  initial: 'verifyingIdentity',
  entry: assign({ issuance: {} }),
  // A verified identity is not kept past the journey: the next one verifies again.
  exit: assign({ issuance: undefined, identity: undefined }),
  states: {
    verifyingIdentity: { ...identityVerification, onDone: 'agreeingToTerms' },
    agreeingToTerms: {
      entry: emit({ type: 'reply', key: 'issuance.terms', choices: ['issuance.agree', 'yesNo.no'] }),
      on: {
        YES: 'choosingType',
        NO: { target: '#root.menu', actions: emit({ type: 'reply', key: 'issuance.termsDeclined' }) },
        TEXT: { target: 'agreeingToTerms', reenter: true },
      },
    },
    choosingType: {
      entry: emit({ type: 'reply', key: 'issuance.chooseType', choices: CERTIFICATE_TYPE_CHOICES }),
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
          { target: 'choosingType', reenter: true },
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
            target: 'choosingPassword',
            actions: emit({ type: 'reply', key: 'issuance.feeNotice' }),
          },
          { target: 'choosingPassword' },
        ],
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
    choosingPassword: {
      tags: 'secretInput',
      entry: emit({ type: 'reply', key: 'issuance.askPassword' }),
      on: { TEXT: 'checkingPassword' },
    },
    checkingPassword: {
      tags: ['busy', 'secretInput'],
      invoke: {
        src: 'checkNewPassword',
        input: ({ context, event }) => ({
          password: event.type === 'TEXT' ? event.text : '',
          birthDate: context.identity?.birthDate ?? [],
          sealedPhone: context.identity?.sealedPhone ?? '',
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.broken.length > 0,
            target: 'choosingPassword',
            // Every broken rule is named, so the customer can fix them all at once.
            actions: enqueueActions(({ enqueue, event }) => {
              enqueue.emit({ type: 'reply', key: 'issuance.passwordRules' });
              for (const rule of event.output.broken) enqueue.emit({ type: 'reply', key: `passwordRules.${rule}` });
            }),
          },
          {
            target: 'confirmingPassword',
            actions: assign(({ context, event }) => ({ issuance: { ...context.issuance, passwordFingerprint: event.output.fingerprint } })),
          },
        ],
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
    confirmingPassword: {
      tags: 'secretInput',
      entry: emit({ type: 'reply', key: 'issuance.confirmPassword' }),
      on: { TEXT: 'issuing' },
    },
    issuing: {
      tags: ['busy', 'secretInput'],
      invoke: {
        src: 'issueCertificate',
        input: ({ context, event }) => ({
          password: event.type === 'TEXT' ? event.text : '',
          fingerprint: context.issuance?.passwordFingerprint ?? '',
          customerId: context.identity?.customerId ?? '',
          name: context.identity?.name ?? '',
          sealedRrn: context.identity?.sealedRrn ?? '',
          type: context.issuance?.type ?? 'personalBanking',
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.status === 'mismatch',
            target: 'choosingPassword',
            actions: emit({ type: 'reply', key: 'issuance.passwordMismatch' }),
          },
          {
            target: '#root.menu',
            actions: [
              // Transition actions run after the journey's exit cleared its context: use the output only.
              emit(({ event }) => issuedCard(event.output)),
              emit(({ event }) => ({
                type: 'reply' as const,
                key: 'issuance.download',
                params: { url: event.output.status === 'issued' ? event.output.downloadUrl : '' },
              })),
              emit({ type: 'reply', key: 'issuance.advice' }),
            ],
          },
        ],
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
  },
});

function issuedCard(output: IssueOutput): FlowEmitted {
  if (output.status !== 'issued') return { type: 'reply', key: 'system.stepFailed' };
  return {
    type: 'reply',
    key: 'issuance.issued',
    params: {
      ca: { key: `certificates.cas.${output.ca}` },
      type: { key: `issuance.types.${output.type}` },
      serial: output.serialNumber,
      from: output.notBefore,
      to: output.notAfter,
      name: output.maskedName,
    },
  };
}
