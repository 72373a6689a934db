import { join } from 'node:path';
import { RENEWAL_WINDOW_DAYS } from '../../dialogs/contract/domain';
import type { AuditLog } from './stores/auditLog';
import type { CaLedger, RevocationReason } from './ca/caLedger';
import { CertificateError } from './npki/certificateError';
import { CertificateSummary, inspectCertificate } from './npki/certificateInspection';
import type { CertificateRegistry, RegisteredCertificate } from './stores/certificateRegistry';
import type { IssuanceJournal, IssuanceOutcome } from './ca/issuanceJournal';
import { type KeyProof, RegistrationVerifier } from './registrationVerifier';
import { CrlFolderRevocation, SandboxCaRevocation } from './ca/revocation';
import { BANK_CA_PROFILE, OTHER_BANK_CA_PROFILE, SandboxCa, type SignedCertificate } from './ca/sandboxCa';
import { type IssuanceRecording, UNDELIVERED_AUDIT_REASON } from './stores/issuanceRecording';
import type { CaRegistrations } from './ca/caRegistrations';
import type { CaSubscribers } from './ca/caSubscribers';
import type { IssuedNotice } from './ca/certificateAuthority';
import { CA_ISSUANCE_PATH, IssuanceEndpoint, IssuanceJournaling, IssuanceRecords } from './ca/issuanceEndpoint';
import { SandboxAuthority } from './ca/sandboxAuthority';
import type { AuditAction } from './stores/auditLog';
import { TrustStore } from './ca/trustStore';

/** Who acted, for the audit log: the customer, the system, or an agent's id. */
export interface Actor {
  readonly actor: string;
  readonly conversationId?: string;
}

/**
 * RFC 5280 reason for a certificate issued but never delivered: no longer needed for the purpose
 * it was issued for, and no cause to suspect its key (made on the customer's device, it never left
 * it). Not `superseded`: the customer may never ask again, so there
 * need be no successor; not `keyCompromise`: that would tell relying parties something false.
 */
export const UNDELIVERED_REVOCATION_REASON: RevocationReason = 'cessationOfOperation';

const DAY_MS = 24 * 3600 * 1000;

/**
 * A proof of possession as the secure step sends it: for a known customer (registration, or the
 * renewal of a certificate they picked: `customerId` and the 주민등록번호 for the VID), or for
 * nobody known yet (renewal by key: the certificate on record names its owner).
 */
export interface PossessionVerification extends KeyProof, Actor {
  readonly purpose: 'registration' | 'renewal';
  /** R, when the device's file kept it. */
  readonly randomNum?: Uint8Array;
  readonly customerId?: string;
  /** The customer's 주민등록번호, for the VID only; never kept. */
  readonly idn?: string;
}

/**
 * The certificate core as the RA sees it: the bank CA's issuance endpoint and the records of what it
 * issued, proof of possession for registration and renewal, list, release and revoke, each audited.
 * Keys are made and opened on the customer's device; no password or private key reaches it.
 */
export class CertificateService implements IssuanceRecords {
  constructor(
    readonly bankCa: SandboxCa,
    /** Plays "another bank", so a newcomer has a certificate to register. */
    readonly otherBankCa: SandboxCa,
    private readonly verifier: RegistrationVerifier,
    private readonly registry: CertificateRegistry,
    private readonly audit: AuditLog,
    /** How long a new certificate is valid; shorter in a sandbox, to try renewal. */
    private readonly validityDays = 365,
    /** Issuances in progress, so one interrupted is found and its certificate revoked. */
    readonly issuances: IssuanceJournal,
    /** The bank CA behind the gateway (the RA registers customers with it), and its registrations. */
    readonly authority: SandboxAuthority,
    private readonly caRegistrations: CaRegistrations,
    private readonly caSubscribers: CaSubscribers,
    /** Writes a signed certificate's records together. */
    private readonly recording: IssuanceRecording,
  ) {}

  /**
   * Every issuance, whoever made the key: journaled under its key when given (a certificate issued
   * for an issuance given up on meanwhile is revoked), signed by the CA through `sign`, put in the
   * registry and audited, a failure too.
   */
  async issueRecorded<T extends SignedCertificate>(
    request: Actor & { readonly customerId: string; readonly issuance?: IssuanceJournaling },
    sign: () => Promise<T>,
  ): Promise<{ readonly summary: CertificateSummary; readonly signed: T }> {
    try {
      const { issuance, customerId } = request;
      if (issuance) await this.issuances.begin({ ...issuance, customerId, startedAt: Date.now() });
      const signed = await sign();
      const summary = await inspectCertificate(signed.certificate);
      const recorded = await this.recording.recordIssued({
        caId: this.bankCa.profile.id,
        ledger: {
          serialNumber: signed.serialNumber,
          subjectDn: signed.subjectDn,
          notAfter: signed.notAfter.toISOString(),
          issuedAt: new Date().toISOString(),
        },
        journalKey: issuance?.key,
        registry: this.registryEntry(customerId, summary, 'issued'),
        audit: {
          ...actorOf(request),
          action: 'issue',
          outcome: 'success',
          customerId,
          serialNumber: summary.serialNumber,
          issuerDn: summary.issuerDn,
        },
      });
      // Given up on while the CA worked (the step ended without the files saved): recorded revoked, nobody receives it.
      if (recorded === 'givenUp') throw new Error('the issuance was given up on while the CA issued');
      return { summary, signed };
    } catch (err) {
      await this.audit.record({
        ...actorOf(request),
        action: 'issue',
        outcome: 'failure',
        customerId: request.customerId,
        reason: failureReason(err),
      });
      throw err;
    }
  }

  /** The CA's issuance endpoint (the route POST /ca/v1/certificates hands it the body); it tells the RA through `onIssued`. */
  issuanceEndpoint(onIssued: (notice: IssuedNotice) => Promise<void>): IssuanceEndpoint {
    return new IssuanceEndpoint({
      ca: this.bankCa,
      registrations: this.caRegistrations,
      subscribers: this.caSubscribers,
      records: this,
      audit: this.audit,
      validityDays: this.validityDays,
      onIssued,
    });
  }

  /**
   * The device saved the files of the certificate issued for this reference: its issuance is
   * delivered, and the journal will not revoke it. False when it was not that certificate, or was
   * settled already (given up on, revoked).
   */
  async confirmDelivery(referenceNumber: string, serialNumber: string): Promise<boolean> {
    const record = await this.issuances.find(referenceNumber);
    if (record?.serialNumber === undefined || record.serialNumber !== serialNumber) return false;
    return this.issuances.settle(referenceNumber, 'delivered');
  }

  /**
   * Possession proven on the device: the challenge's signature by the certificate's key, and every
   * check of a registration (for a known customer, the VID too). Registration then records the
   * certificate; renewal only proves the key of one this bank issued, active and within the renewal
   * window, on record for the customer (or, by key, for whoever it names), which it returns. Rejects
   * with CertificateError: today's reasons, 'keyMismatch' for a signature by another key, 'noRandom'
   * for a file that kept no R, 'ownerMismatch' for a renewal of a certificate not issued here (to
   * the customer), 'notRenewable' for one not yet in its window; each audited.
   */
  async verifyPossession(request: PossessionVerification): Promise<RegisteredCertificate> {
    const renewal = request.purpose === 'renewal';
    return this.auditingFailures(renewal ? 'renew' : 'register', request, async () => {
      const { customerId, idn } = request;
      if (customerId === undefined || idn === undefined) {
        if (!renewal) throw new Error('a registration needs the verified customer');
        const { summary } = await this.verifier.verifyKey(request);
        return renewable(await this.registry.findByFingerprint(summary.fingerprintSha256), request.now ?? new Date());
      }
      const { summary } = await this.verifier.verifyPossession({ ...request, idn });
      if (!renewal) return this.recordRegistration({ ...request, customerId }, summary);
      return renewable(await this.registry.find(customerId, summary.fingerprintSha256), request.now ?? new Date());
    });
  }

  private async recordRegistration(
    request: Actor & { readonly customerId: string },
    summary: CertificateSummary,
  ): Promise<RegisteredCertificate> {
    const entry = this.registryEntry(request.customerId, summary, 'registered');
    await this.registry.add(entry);
    await this.audit.record({
      ...actorOf(request),
      action: 'register',
      outcome: 'success',
      customerId: request.customerId,
      serialNumber: summary.serialNumber,
      issuerDn: summary.issuerDn,
    });
    return entry;
  }

  /** A failed attempt is audited with its typed reason. */
  private async auditingFailures<T>(
    action: AuditAction,
    request: Actor & { readonly customerId?: string },
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (err) {
      await this.audit.record({
        ...actorOf(request),
        action,
        outcome: 'failure',
        customerId: request.customerId,
        reason: failureReason(err),
      });
      throw err;
    }
  }

  list(customerId: string): Promise<RegisteredCertificate[]> {
    return this.registry.list(customerId);
  }

  /** 해제: the certificate stays valid elsewhere; it is only no longer registered here. */
  async release(customerId: string, fingerprintSha256: string, actor: Actor): Promise<RegisteredCertificate | undefined> {
    const released = await this.registry.updateStatus(customerId, fingerprintSha256, 'released');
    await this.audit.record({
      ...actorOf(actor),
      action: 'release',
      outcome: released ? 'success' : 'failure',
      customerId,
      serialNumber: released?.serialNumber,
    });
    return released;
  }

  /** 폐기: revokes a certificate issued here (it appears in the CRL) and marks it in the registry. */
  async revoke(
    customerId: string,
    fingerprintSha256: string,
    reason: RevocationReason,
    actor: Actor,
  ): Promise<RegisteredCertificate | undefined> {
    const entry = await this.registry.find(customerId, fingerprintSha256);
    const revokedByCa = entry?.origin === 'issued' && (await this.bankCa.revoke(entry.serialNumber, reason));
    const revoked = revokedByCa ? await this.registry.updateStatus(customerId, fingerprintSha256, 'revoked', reason) : undefined;
    await this.audit.record({
      ...actorOf(actor),
      action: 'revoke',
      outcome: revoked ? 'success' : 'failure',
      customerId,
      serialNumber: entry?.serialNumber,
      reason,
    });
    return revoked;
  }

  /**
   * Ends a journaled issuance that will not be delivered: its certificate, if the CA issued it,
   * is revoked (CA ledger, so the CRL, and registry) and audited. Safe to repeat and to race with
   * another instance: revocation is idempotent and the journal settles once. The outcome, or
   * undefined for an unknown key.
   */
  async abandonIssuance(key: string): Promise<IssuanceOutcome | undefined> {
    const record = await this.issuances.find(key);
    if (record === undefined) return undefined;
    if (record.outcome !== undefined) return record.outcome;
    if (record.serialNumber === undefined) {
      await this.issuances.settle(key, 'failed');
      return 'failed';
    }
    await this.revokeUndelivered(record.customerId, record.serialNumber, record.fingerprint);
    await this.issuances.settle(key, 'revoked');
    return 'revoked';
  }

  /** A certificate issued that nobody will receive: revoked at the CA (so in the CRL), in the registry if it got there, and audited. */
  private async revokeUndelivered(customerId: string, serialNumber: string, fingerprint?: string): Promise<void> {
    await this.bankCa.revoke(serialNumber, UNDELIVERED_REVOCATION_REASON);
    if (fingerprint !== undefined) await this.registry.updateStatus(customerId, fingerprint, 'revoked', UNDELIVERED_REVOCATION_REASON);
    await this.audit.record({
      actor: 'system',
      action: 'revoke',
      outcome: 'success',
      customerId,
      serialNumber,
      reason: UNDELIVERED_AUDIT_REASON,
    });
  }

  crl(): Promise<Buffer> {
    return this.bankCa.crl();
  }

  private registryEntry(customerId: string, summary: CertificateSummary, origin: RegisteredCertificate['origin']): RegisteredCertificate {
    const now = new Date().toISOString();
    return {
      customerId,
      serialNumber: summary.serialNumber,
      issuerDn: summary.issuerDn,
      subjectDn: summary.subjectDn,
      notBefore: summary.notBefore.toISOString(),
      notAfter: summary.notAfter.toISOString(),
      fingerprintSha256: summary.fingerprintSha256,
      policyOid: summary.policyOid,
      origin,
      status: 'active',
      registeredAt: now,
      updatedAt: now,
    };
  }
}

/** Where the certificate core keeps its records: in the system of record (PostgreSQL or PGlite), or in memory for tests and tools (see createStores). */
export interface CertificateStores {
  /** Each CA's serial numbers and revocations. */
  readonly caLedger: (caId: string) => CaLedger;
  readonly registry: CertificateRegistry;
  readonly audit: AuditLog;
  readonly issuances: IssuanceJournal;
  /** The bank CA's registrations, one use each (its 주민등록번호 sealed). */
  readonly caRegistrations: CaRegistrations;
  /** Whom each certificate the bank CA issued named (sealed), for a renewal by key. */
  readonly caSubscribers: CaSubscribers;
  /** Writes a signed certificate's ledger entry, journal mark, registry entry and audit together. */
  readonly recording: IssuanceRecording;
}

export interface CertificateServiceOptions {
  readonly caDirectory: string;
  readonly trustedRootsDirectory?: string;
  readonly crlDirectory?: string;
  /** Where this bot serves each CA's CRL; written into issued certificates. */
  readonly crlUrl: (caId: string) => string;
  readonly stores: CertificateStores;
  /** Validity of newly issued certificates, in days (365 unless set). */
  readonly validityDays?: number;
  /** Where devices reach the bank CA's issuance endpoint: PUBLIC_BASE_URL + CA_ISSUANCE_PATH; the path alone (same origin) unless set. */
  readonly caEndpointUrl?: () => string;
}

export async function createCertificateService(options: CertificateServiceOptions): Promise<CertificateService> {
  const { stores } = options;
  const open = (profile: typeof BANK_CA_PROFILE) =>
    SandboxCa.open({
      profile,
      folder: join(options.caDirectory, profile.id),
      ledger: stores.caLedger(profile.id),
      crlUrl: options.crlUrl(profile.id),
    });
  const [bankCa, otherBankCa] = await Promise.all([open(BANK_CA_PROFILE), open(OTHER_BANK_CA_PROFILE)]);
  const trustStore = await TrustStore.fromFolder(options.trustedRootsDirectory, {
    roots: [bankCa.rootCertificate, otherBankCa.rootCertificate],
    intermediates: [bankCa.issuingCertificate, otherBankCa.issuingCertificate],
  });
  const verifier = new RegistrationVerifier(trustStore, [
    new SandboxCaRevocation([bankCa, otherBankCa]),
    await CrlFolderRevocation.load(options.crlDirectory),
  ]);
  const authority = new SandboxAuthority(
    bankCa,
    stores.caRegistrations,
    stores.caSubscribers,
    options.caEndpointUrl ?? (() => CA_ISSUANCE_PATH),
  );
  return new CertificateService(
    bankCa,
    otherBankCa,
    verifier,
    stores.registry,
    stores.audit,
    options.validityDays,
    stores.issuances,
    authority,
    stores.caRegistrations,
    stores.caSubscribers,
    stores.recording,
  );
}

/**
 * A certificate renewal may replace: one this bank issued (another's is renewed where it was
 * issued), still active, and within the renewal window before its expiry.
 */
function renewable(entry: RegisteredCertificate | undefined, now: Date): RegisteredCertificate {
  if (entry?.origin !== 'issued') throw new CertificateError('ownerMismatch', 'certificate', 'not issued here to the customer');
  if (entry.status === 'revoked') throw new CertificateError('revoked', 'certificate');
  if (entry.status !== 'active') throw new CertificateError('ownerMismatch', 'certificate', 'not active here');
  if (Date.parse(entry.notAfter) - now.getTime() > RENEWAL_WINDOW_DAYS * DAY_MS) throw new CertificateError('notRenewable', 'certificate');
  return entry;
}

function actorOf(actor: Actor): Actor {
  return { actor: actor.actor, conversationId: actor.conversationId };
}

/** The typed reason, or a generic marker: error messages of ours never reach the audit log. */
function failureReason(err: unknown): string {
  return err instanceof CertificateError ? err.reason : 'internalError';
}
