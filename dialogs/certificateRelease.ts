import { emit } from 'xstate';
import { certificatePicker } from './certificatePicker';
import { FlowContext, askAgain, flow } from './flowSetup';
import { YES_NO_CHOICES } from './contract/replies';

const CONFIRM = {
  type: 'ask',
  params: ({ context }: { context: FlowContext }) => ({
    key: 'release.confirm',
    params: {
      ca: { key: `certificates.cas.${context.certificates?.picked?.ca ?? 'unknown'}` },
      kind: { key: `certificates.kinds.${context.certificates?.picked?.kind ?? 'other'}` },
      notAfter: context.certificates?.picked?.notAfter ?? '',
    },
    choices: YES_NO_CHOICES,
  }),
} as const;

/**
 * 등록된 인증서 해제: the customer's registered certificates are listed, one is picked and
 * released after a confirmation. Released here only: it stays valid at its own institution.
 */
export const certificateRelease = flow.createStateConfig({
  initial: 'picking',
  states: {
    picking: {
      ...certificatePicker('registered', { none: 'release.none', prompt: 'release.pick' }),
      onDone: 'confirming',
    },
    confirming: {
      entry: ['forgetMisunderstandings', CONFIRM],
      on: {
        YES: 'releasing',
        NO: { target: '#root.menu', actions: emit({ type: 'reply', key: 'release.kept' }) },
        TEXT: askAgain(CONFIRM),
      },
    },
    releasing: {
      tags: 'busy',
      invoke: {
        src: 'releaseCertificate',
        input: ({ context }) => ({ customerId: context.identity?.customerId ?? '', fingerprint: context.certificates?.picked?.fingerprint ?? '' }),
        onDone: { target: '#root.menu', actions: emit(({ event }) => ({ type: 'reply' as const, key: event.output.released ? 'release.done' : 'release.alreadyGone' })) },
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
  },
});
