import { assign, enqueueActions } from 'xstate';
import { flow, secretQuestion } from '../flowSetup';
import type { IssueOutput } from '../contract/services';
import type { FlowEmitted } from '../contract/replies';

/**
 * The end of 발급, 재발급 and 갱신 alike: a password and its confirmation, the CA issues (and,
 * for a reissue or renewal, revokes the old certificate), and a one-time download link is given
 * with the article's advice. The password lives only in the turn that uses it; between the two
 * turns only a keyed hash is kept.
 */
export const newCertificate = flow.createStateConfig({
  initial: 'choosingPassword',
  states: {
    choosingPassword: secretQuestion('issuance.askPassword', 'checkingPassword'),
    checkingPassword: {
      tags: 'busy',
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
    confirmingPassword: secretQuestion('issuance.confirmPassword', 'issuing'),
    issuing: {
      tags: 'busy',
      invoke: {
        src: 'issueCertificate',
        input: ({ context, event }) => ({
          password: event.type === 'TEXT' ? event.text : '',
          fingerprint: context.issuance?.passwordFingerprint ?? '',
          customerId: context.identity?.customerId ?? '',
          name: context.identity?.name ?? '',
          sealedRrn: context.identity?.sealedRrn ?? '',
          type: context.issuance?.type ?? 'personalBanking',
          replaces: context.issuance?.replaces,
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.status === 'mismatch',
            target: 'choosingPassword',
            actions: enqueueActions(({ enqueue, event }) => {
              for (const emitted of journaled(event.output, [{ type: 'reply', key: 'issuance.passwordMismatch' }])) enqueue.emit(emitted);
            }),
          },
          {
            target: '#root.menu',
            // Transition actions run after the journey's exit cleared its context: use the output only.
            actions: enqueueActions(({ enqueue, event }) => {
              for (const emitted of journaled(event.output, issuedReplies(event.output))) enqueue.emit(emitted);
            }),
          },
        ],
        onError: { target: '#root.menu', actions: 'apologize' },
      },
    },
  },
});

/** The journal for the bot to settle, then the news of interrupted issuances (told first), then the replies. */
function journaled(output: IssueOutput, replies: FlowEmitted[]): FlowEmitted[] {
  const interrupted: FlowEmitted[] = output.journal.told.length > 0 ? [{ type: 'reply', key: 'issuance.interrupted' }] : [];
  return [{ type: 'issuance', ...output.journal }, ...interrupted, ...replies];
}

function issuedReplies(output: IssueOutput): FlowEmitted[] {
  if (output.status !== 'issued') return [{ type: 'reply', key: 'system.stepFailed' }];
  const card: FlowEmitted = {
    type: 'reply',
    card: 'facts',
    key: output.replaced === undefined ? 'issuance.issued' : `reissue.done.${output.replaced}`,
    params: {
      ca: { key: `certificates.cas.${output.ca}` },
      type: { key: `issuance.types.${output.type}` },
      serial: output.serialNumber,
      from: output.notBefore,
      to: output.notAfter,
      name: output.maskedName,
    },
  };
  const download: FlowEmitted = {
    type: 'reply',
    key: 'issuance.download',
    params: { url: output.downloadUrl },
    button: { key: 'cards.download', param: 'url' },
  };
  // The old certificate is revoked: it stops working here and everywhere it was copied.
  const replaced: FlowEmitted[] =
    output.replaced === undefined
      ? []
      : [
          { type: 'reply', key: 'reissue.oldRevoked' },
          { type: 'reply', key: 'reissue.otherDevices' },
        ];
  return [card, download, ...replaced, { type: 'reply', key: 'issuance.advice' }];
}
