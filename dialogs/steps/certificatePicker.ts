import { assign, emit } from 'xstate';
import { FlowContext, askAgain, flow } from '../flowSetup';
import type { CertificateChoice, ListCertificatesInput } from '../contract/services';
import type { Reply, ReplyChoice } from '../contract/replies';

interface PickerTexts {
  /** Said when the customer has no certificate to pick. */
  readonly none: string;
  /** Said above the list. */
  readonly prompt: string;
}

/**
 * Lists the customer's certificates here and lets them pick one, by its number. Reaching
 * `picked` (final) leaves the choice in `context.certificates.picked`; with nothing to pick the
 * customer is told so and returns to the menu.
 */
export function certificatePicker(origin: ListCertificatesInput['origin'], texts: PickerTexts) {
  const pickOne = { type: 'ask', params: ({ context }: { context: FlowContext }) => listReply(texts.prompt, context) } as const;
  return flow.createStateConfig({
    initial: 'listing',
    states: {
      listing: {
        tags: 'busy',
        invoke: {
          src: 'listCertificates',
          input: ({ context }) => ({ customerId: context.identity?.customerId ?? '', origin }),
          onDone: [
            {
              guard: ({ event }) => event.output.certificates.length === 0,
              target: '#root.menu',
              // The menu that follows offers the way forward (발급, 등록).
              actions: emit({ type: 'reply', key: texts.none }),
            },
            { target: 'choosing', actions: assign(({ event }) => ({ certificates: { choices: event.output.certificates } })) },
          ],
          onError: { target: '#root.menu', actions: 'apologize' },
        },
      },
      choosing: {
        entry: ['forgetMisunderstandings', pickOne],
        on: {
          CHOICE: [
            {
              guard: ({ context, event }) => chosen(context, event.choice) !== undefined,
              target: 'picked',
              actions: assign(({ context, event }) => ({
                certificates: { choices: context.certificates?.choices ?? [], picked: chosen(context, event.choice) },
              })),
            },
            ...askAgain(pickOne),
          ],
          TEXT: askAgain(pickOne),
        },
      },
      picked: { type: 'final' },
    },
  });
}

/** The listed certificate whose value ("1", its place in the list) was chosen. */
function chosen(context: FlowContext, value: string): CertificateChoice | undefined {
  return context.certificates?.choices[Number(value) - 1];
}

function listReply(prompt: string, context: FlowContext): Reply {
  const choices: ReplyChoice[] = (context.certificates?.choices ?? []).map((c, i) => ({
    key: 'certificates.choice',
    params: { ca: { key: `certificates.cas.${c.ca}` }, kind: { key: `certificates.kinds.${c.kind}` }, notAfter: c.notAfter },
    value: String(i + 1),
  }));
  return { key: prompt, choices };
}
