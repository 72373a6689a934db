import type { CertificateType } from '../../dialogs/contract/domain';
import type { CaAuthorization, CertificateAuthority, IssuedNotice } from '../certificates/ca/certificateAuthority';
import { normalizeSerial } from '../certificates/ca/certificateRevocationList';
import type { CertificateService } from '../certificates/certificateService';
import { inspectCertificate } from '../certificates/npki/certificateInspection';
import { replacementExpiry } from '../certificates/replacementExpiry';
import { unsealRrn } from '../identity/sealedIdentity';
import type { Logger } from '../logging/logger';
import type { SecretBox } from '../state/secretBox';
import type { IssuanceAuthorized, IssuanceSaved } from './secureApi';
import { SecureRefusal } from './secureRefusal';
import type { SecureSession } from './secureSessions';
import type { SecureStore } from './secureStore';
import { ready } from './stepGuard';
import type { TicketEnd } from './ticketBook';
import { describe, type TicketLifecycle } from './ticketLifecycle';
import { stepOf, type IssuedRecord, type TicketRecord } from './ticketRecord';

export interface IssuanceStepDependencies {
  readonly ca: CertificateAuthority;
  readonly box: SecretBox;
  readonly store: SecureStore;
  readonly lifecycle: TicketLifecycle;
  /** Revokes what the CA issued for a ticket that can no longer take it (the issuance journal abandons it). */
  readonly certificates: Pick<CertificateService, 'abandonIssuance'>;
  readonly logger: Logger;
  readonly clock: () => number;
}

/**
 * 발급, 재발급 and 갱신 on the device, the bank as the registration authority: it registers the
 * customer with the CA (a reference number and an authorisation code for the device; a renewal by
 * key asks the CA to renew from its own subscriber record instead), learns from
 * the CA's notice what was issued, and completes the step once the device also says it kept the
 * files. A certificate that no ticket can take any more (it ended, or never asked) is revoked.
 */
export class IssuanceSteps {
  constructor(private readonly deps: IssuanceStepDependencies) {}

  /** `POST /secure/api/issuance/authorize`. */
  async authorize(session: SecureSession): Promise<IssuanceAuthorized> {
    ready(session, 'issuance', 'renewal');
    const { record } = session;
    const step = stepOf(record);
    // Renewal is authorised by the current key: the page proves it first.
    if (step.kind === 'renewal' && record.proven !== true) throw new SecureRefusal(409, 'proofRequired');
    if (record.customer === undefined && record.renewing === undefined) throw new SecureRefusal(409, 'noCustomer');
    if (step.certificateType === undefined) throw new SecureRefusal(409, 'wrongStep');
    if (record.issuance?.issued !== undefined) throw new SecureRefusal(409, 'alreadyIssued');
    const { ca } = this.deps;
    const authorization = await this.askCa(record, step.certificateType, step.replaces && replacementExpiry(step.replaces)).catch(
      async (err: unknown) => {
        this.deps.logger.error({ err: describe(err), journey: step.journey }, 'the CA refused the registration');
        const end: TicketEnd = { how: 'failed', event: { type: 'SECURE_FAILED', step: step.kind, reason: 'caRefused' } };
        await session.change(() => ({ result: undefined, end }));
        throw new SecureRefusal(502, 'caRefused');
      },
    );
    const { referenceNumber, authCode } = authorization;
    await this.deps.store.link('reference', referenceNumber, session.id, this.deps.lifecycle.keptUntil(record));
    await session.change((now) => ({
      result: undefined,
      next: { ...now, issuance: { ...now.issuance, referenceNumbers: [...(now.issuance?.referenceNumbers ?? []), referenceNumber] } },
    }));
    return {
      referenceNumber,
      authCode,
      caEndpoint: ca.endpoint.url,
      caCertificate: Buffer.from(ca.endpoint.certificate).toString('base64'),
    };
  }

  /**
   * The CA's authorisation: the customer the bank verified is registered (the CA computes the VID
   * from their 주민등록번호); a renewal by key knows no 주민등록번호, and the CA renews from its record.
   */
  private async askCa(record: TicketRecord, type: CertificateType, notAfter: Date | undefined): Promise<CaAuthorization> {
    const { customer, renewing } = record;
    if (customer !== undefined)
      return this.deps.ca.register({
        customerId: customer.customerId,
        realName: customer.name,
        idn: unsealRrn(this.deps.box, customer.sealedRrn, new Date(this.deps.clock())).revealDigits(),
        type,
        notAfter,
      });
    // The caller refused a ticket with neither (noCustomer).
    if (renewing === undefined) throw new Error('nobody to register with the CA');
    const { customerId, serialNumber, replaces } = renewing;
    return this.deps.ca.renew({ customerId, previousSerial: serialNumber, type, notAfter: replacementExpiry(replaces) });
  }

  /** `POST /secure/api/issuance/saved`: the device kept the files; with the CA's notice in, the step completes. */
  async saved(session: SecureSession, serialNumber: string): Promise<IssuanceSaved> {
    ready(session, 'issuance', 'renewal');
    const saved = serialOf(serialNumber);
    const done = await session.change((record) => {
      const { issuance } = record;
      if (issuance === undefined) throw new SecureRefusal(409, 'notAuthorized');
      const next = { ...record, issuance: { ...issuance, savedSerial: saved } };
      if (issuance.issued === undefined) return { result: false, next };
      if (issuance.issued.serialNumber !== saved) throw new SecureRefusal(409, 'otherCertificate');
      return { result: true, next, end: issuedEnd(issuance.issued) };
    });
    return { done };
  }

  /** The CA's notice to the RA (the app routes it here): kept on its ticket, or revoked when no ticket can take it. */
  async onIssued(notice: IssuedNotice): Promise<void> {
    const summary = await inspectCertificate(notice.certificate);
    const id = await this.deps.store.follow('reference', notice.referenceNumber);
    const taken =
      id !== undefined &&
      (await this.deps.lifecycle.settle(id, (record) => {
        const { issuance } = record;
        const asked = issuance?.referenceNumbers.includes(notice.referenceNumber) === true;
        // One certificate per ticket: a second one (the device asked twice) is nobody's.
        if (record.ended !== undefined || issuance === undefined || !asked || issuance.issued !== undefined) return { result: false };
        const issued: IssuedRecord = {
          referenceNumber: notice.referenceNumber,
          serialNumber: serialOf(notice.serialNumber),
          notBefore: day(notice.notBefore),
          notAfter: day(notice.notAfter),
          ca: summary.policy?.ca ?? 'unknown',
          type: stepOf(record).certificateType ?? 'personalBanking',
          maskedName: summary.maskedName,
        };
        const next = { ...record, issuance: { ...issuance, issued } };
        return { result: true, next, end: issuance.savedSerial === issued.serialNumber ? issuedEnd(issued) : undefined };
      }));
    if (taken === true) return;
    this.deps.logger.warn({ serialNumber: summary.serialNumber }, 'a certificate was issued for no open ticket: revoking it');
    await this.deps.certificates.abandonIssuance(notice.referenceNumber);
  }
}

/** The step completes: the chat learns what was issued, never the key, never R. */
function issuedEnd(issued: IssuedRecord): TicketEnd {
  const { referenceNumber: _referenceNumber, ...certificate } = issued;
  return { how: 'completed', event: { type: 'CERTIFICATE_ISSUED', issued: certificate } };
}

/**
 * Serial numbers as the CA, the registry and the issuance journal write them (whole bytes of
 * lower-case hex, no 00 sign bytes), whatever the device read: a serial whose first byte is under
 * 0x10 keeps its leading 0, or the journal would not know it and the certificate be revoked.
 */
function serialOf(text: string): string {
  return normalizeSerial(text.trim());
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
