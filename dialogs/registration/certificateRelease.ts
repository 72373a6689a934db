import { emit } from 'xstate';
import { certificatePicker } from '../steps/certificatePicker';
import { FlowContext, flow, yesNoQuestion } from '../flowSetup';
import type { Reply } from '../contract/replies';

const confirmation = ({ context }: { context: FlowContext }): Reply => ({
  key: 'release.confirm',
  params: {
    ca: { key: `certificates.cas.${context.certificates?.picked?.ca ?? 'unknown'}` },
    kind: { key: `certificates.kinds.${context.certificates?.picked?.kind ?? 'other'}` },
    notAfter: context.certificates?.picked?.notAfter ?? '',
  },
});

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
    confirming: yesNoQuestion(confirmation, {
      yes: 'releasing',
      no: { target: '#root.menu', actions: emit({ type: 'reply', key: 'release.kept' }) },
    }),
    releasing: {
      tags: 'busy',
      invoke: {
        src: 'releaseCertificate',
        input: ({ context }) => ({
          customerId: context.identity?.customerId ?? '',
          fingerprint: context.certificates?.picked?.fingerprint ?? '',
        }),
        onDone: {
          target: '#root.menu',
          actions: emit(({ event }) => ({ type: 'reply' as const, key: event.output.released ? 'release.done' : 'release.alreadyGone' })),
        },
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
  },
});
