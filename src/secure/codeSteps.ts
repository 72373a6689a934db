import type { VerifiedIdentity } from '../../dialogs/contract/domain';
import type { CodeSending, CodeVerification } from '../identity/codeVerification';
import { VerificationRejectedError } from '../identity/identityProvider';
import { parseCarrier, parseMobileNumber } from '../identity/phoneNumber';
import { parseResidentRegistrationNumber } from '../identity/residentRegistrationNumber';
import { sealIdentity } from '../identity/sealedIdentity';
import type { SecretBox } from '../state/secretBox';
import type { CodeChecked, CodeSent } from './secureApi';
import { SecureRefusal } from './secureRefusal';
import type { SecureSession } from './secureSessions';
import { ready } from './stepGuard';
import type { TicketEnd } from './ticketBook';

/** What the customer typed for 본인 인증, as the page sends it (already bounded by the route's schema). */
export interface IdentityDetails {
  readonly name: string;
  readonly rrn: string;
  readonly carrier: string;
  readonly phone: string;
}

export interface CodeStepDependencies {
  readonly codes: CodeVerification;
  readonly box: SecretBox;
  readonly clock: () => number;
}

/**
 * 본인 인증 (`identity`: the customer's details, typed on the page) and 추가 인증 (`additional`: a
 * code to the phone on file) with one-time codes, within the limits of issue G. A right code
 * completes the step; the 5th wrong one ends it locked.
 */
export class CodeSteps {
  constructor(private readonly deps: CodeStepDependencies) {}

  /** `POST /secure/api/identity/start`: checks the details, then sends a code to the phone. */
  async startIdentity(session: SecureSession, details: IdentityDetails): Promise<CodeSent> {
    ready(session, 'identity');
    const now = new Date(this.deps.clock());
    const rrn = parseResidentRegistrationNumber(details.rrn, now);
    if (!rrn.ok) throw new SecureRefusal(400, 'invalidRrn', { problem: rrn.problem });
    const carrier = parseCarrier(details.carrier);
    if (!carrier.ok) throw new SecureRefusal(400, 'invalidCarrier', { problem: carrier.problem });
    const phone = parseMobileNumber(details.phone);
    if (!phone.ok) throw new SecureRefusal(400, 'invalidPhone');
    const name = details.name.normalize('NFC').trim();
    const applicant = sealIdentity(this.deps.box, { name, rrn: rrn.value, phone: phone.value, carrier: carrier.value });
    return this.send(session, applicant);
  }

  /** `POST /secure/api/additional/start`: a code to the phone on file (a resend, when one is outstanding). */
  async startAdditional(session: SecureSession): Promise<CodeSent> {
    ready(session, 'additional');
    const { customer } = session.record;
    if (customer === undefined) throw new SecureRefusal(409, 'noCustomer');
    return this.send(session, customer);
  }

  /** `POST /secure/api/identity/verify` and `/additional/verify`. */
  async verify(session: SecureSession, kind: 'identity' | 'additional', code: string): Promise<CodeChecked> {
    ready(session, kind);
    const outstanding = session.record.code;
    if (outstanding === undefined) throw new SecureRefusal(409, 'noCode');
    const { applicant, challenge } = outstanding;
    const checked = await this.deps.codes.check(applicant, challenge, code, new Date(this.deps.clock()));
    if (checked.result === 'ok') {
      const end: TicketEnd = {
        how: 'completed',
        event: kind === 'identity' ? { type: 'IDENTITY_VERIFIED', identity: applicant } : { type: 'ADDITIONAL_VERIFIED' },
      };
      await session.change(() => ({ result: undefined, end }));
      return { verified: true };
    }
    if (checked.result === 'locked') return this.locked(session, checked.until);
    return checked.result === 'wrong' ? { wrong: true, attemptsLeft: checked.attemptsLeft } : { expired: true };
  }

  private async send(session: SecureSession, applicant: VerifiedIdentity): Promise<CodeSent> {
    const { kind } = session.record.step;
    const previous = session.record.code;
    const purpose = kind === 'identity' ? 'identity' : 'additional';
    // The same phone again: a resend of the outstanding challenge.
    const resent = previous?.applicant.sealedPhone === applicant.sealedPhone ? previous.challenge : undefined;
    let sent: CodeSending;
    try {
      sent = await this.deps.codes.send(applicant, purpose, new Date(this.deps.clock()), resent);
    } catch (err) {
      if (err instanceof VerificationRejectedError) return { rejected: err.reason };
      throw err;
    }
    if (sent.status === 'locked') return this.locked(session, sent.until);
    if (sent.status === 'tooSoon') return { tooSoon: true, retryAt: sent.retryAt };
    if (sent.status === 'hourlyLimit') return { hourlyLimit: true, retryAt: sent.retryAt };
    await session.change((record) => ({ result: undefined, next: { ...record, code: { challenge: sent.challenge, applicant } } }));
    return { maskedPhone: applicant.maskedPhone, ...(sent.sandboxCode === undefined ? {} : { sandboxCode: sent.sandboxCode }) };
  }

  /** Locked out (5 wrong codes, here or elsewhere): the step ends, and the chat says until when. */
  private async locked(session: SecureSession, until: number): Promise<{ readonly locked: true; readonly until: number }> {
    const step = session.record.step.kind;
    await session.change(() => ({
      result: undefined,
      end: { how: 'failed', event: { type: 'SECURE_FAILED', step, reason: 'verificationLocked' } },
    }));
    return { locked: true, until };
  }
}
