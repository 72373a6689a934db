import type { ConsentLog } from './consentLog';
import { consentsFor, feeOf } from './consents';
import type { ConsentTerm } from './secureApi';
import type { SecureSession } from './secureSessions';
import { stepOf } from './ticketRecord';

/**
 * `POST /secure/api/consent`: the consents the customer ticked, each recorded with its version and
 * time. Only the terms this step asks for, in the version it shows, are taken; anything else is ignored.
 */
export async function recordConsents(
  session: SecureSession,
  accepted: readonly ConsentTerm[],
  deps: { readonly consents: ConsentLog; readonly clock: () => number },
): Promise<{ readonly accepted: readonly ConsentTerm[] }> {
  const { customer, conversation } = session.record;
  const step = stepOf(session.record);
  const asked = consentsFor(step).filter((term) => accepted.some((given) => given.id === term.id && given.version === term.version));
  const at = new Date(deps.clock()).toISOString();
  for (const term of asked) {
    await deps.consents.record({
      at,
      consent: term.id,
      version: term.version,
      step: step.kind,
      journey: step.journey,
      conversationId: conversation.reference.conversation.id,
      customerId: customer?.customerId,
      fee: term.id === 'fee' ? feeOf(step) : undefined,
    });
  }
  const all = await session.change((record) => {
    const consents = [...record.consents.filter((given) => !asked.some((term) => term.id === given.id)), ...asked];
    return { result: consents, next: { ...record, consents } };
  });
  return { accepted: all };
}
