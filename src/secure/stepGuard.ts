import type { SecureStepKind } from '../../dialogs/contract/secure';
import { consentsGiven } from './consents';
import { SecureRefusal } from './secureRefusal';
import type { SecureSession } from './secureSessions';
import { stepOf } from './ticketRecord';

/** The call belongs to one of these steps (409 `wrongStep`), and the step's consents were given first (409 `consentRequired`). */
export function ready(session: SecureSession, ...kinds: readonly SecureStepKind[]): void {
  if (!kinds.includes(session.record.step.kind)) throw new SecureRefusal(409, 'wrongStep');
  if (!consentsGiven(stepOf(session.record), session.record.consents)) throw new SecureRefusal(409, 'consentRequired');
}
