import { maskName } from '../certificates/npki/distinguishedName';
import { consentsFor, feeOf } from './consents';
import type { SecureView } from './secureApi';
import { stepOf, type TicketRecord } from './ticketRecord';

/** What the page shows for a ticket: masked values, the consents, the challenge; never a sealed value. */
export function viewOf(record: TicketRecord, sandbox: boolean): SecureView {
  const { customer } = record;
  const step = stepOf(record);
  const accepted = consentsFor(step)
    .filter((term) => record.consents.some((given) => given.id === term.id && given.version === term.version))
    .map((term) => term.id);
  return {
    kind: step.kind,
    language: record.conversation.language,
    maskedName: customer && maskName(customer.name),
    maskedPhone: customer?.maskedPhone,
    certificateType: step.certificateType,
    fee: feeOf(step),
    consents: consentsFor(step),
    accepted,
    challenge: record.challenge,
    renewing:
      step.kind === 'renewal' && step.replaces ? { fingerprint: step.replaces.fingerprint, notAfter: step.replaces.notAfter } : undefined,
    proven: step.kind === 'renewal' ? record.proven === true : undefined,
    sandbox,
  };
}
