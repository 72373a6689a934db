import { join } from 'node:path';
import { bufferOf } from './bufferOf';
import type { AuditLog } from './stores/auditLog';
import type { CaLedger, RevocationReason } from './ca/caLedger';
import { CertificateError } from './npki/certificateError';
import { CertificateSummary, inspectCertificate } from './npki/certificateInspection';
import type { CertificateRegistry, RegisteredCertificate } from './stores/certificateRegistry';
import type { IssuanceJournal, IssuanceOutcome } from './ca/issuanceJournal';
import { KeyDerivationBudget, KeyDerivationDeferred, KeyDerivationLimiter } from './keyDerivationLimiter';
import { readNpkiZip, writeNpkiZip } from './npki/npkiBundle';
import { writePkcs12 } from './npki/pkcs12';
import { encryptPrivateKeyFile } from './npki/privateKeyFile';
import { CustomerCertificateFiles, keyDerivationsOf, RegistrationCheck, RegistrationVerifier } from './registrationVerifier';
import { CrlFolderRevocation, SandboxCaRevocation } from './ca/revocation';
import { BANK_CA_PROFILE, CertificateType, OTHER_BANK_CA_PROFILE, SandboxCa } from './ca/sandboxCa';
import { TrustStore } from './ca/trustStore';

/** Who acted, for the audit log: the customer, the system, or an agent's id. */
export interface Actor {
  readonly actor: string;
  readonly conversationId?: string;
}

export interface IssueCertificateRequest extends Actor {
  /** The keyed hash of the customer's 주민등록번호. */
  readonly customerId: string;
  readonly realName: string;
  /** The 주민등록번호 itself, for the VID only, within this call. */
  readonly idn: string;
  readonly type: CertificateType;
  readonly password: string;
  /** Reissue keeps the old certificate's expiry. */
  readonly notAfter?: Date;
  /** Journals the issuance under this idempotency key, for whoever waits for it (see IssuanceJournal). */
  readonly issuance?: { readonly key: string; readonly owner: string };
}

/**
 * RFC 5280 reason for a certificate issued but never delivered: no longer needed for the purpose
 * it was issued for, and no cause to suspect its key (it never left our process, or sits sealed
 * behind a link nobody received). Not `superseded`: the customer may never ask again, so there
 * need be no successor; not `keyCompromise`: that would tell relying parties something false.
 */
const UNDELIVERED_REVOCATION_REASON: RevocationReason = 'cessationOfOperation';

/** What the customer downloads: the NPKI pair (as files and as a zip of the folder layout) and a PFX. */
export interface IssuedCertificate {
  readonly summary: CertificateSummary;
  readonly signCert: Buffer;
  readonly signPri: Buffer;
  readonly pfx: Buffer;
  readonly npkiZip: Buffer;
  readonly timings: { readonly keygenMs: number; readonly signMs: number; readonly keyEncryptionMs: number };
}

/**
 * The certificate core as the journeys see it: issue, check and register, list, release and
 * revoke, each audited. Passwords and 주민등록번호 pass through and are never kept.
 */
export class CertificateService {
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
    /** Opening customers' files costs what the files ask for: within a budget per customer, a few at once. */
    private readonly keyDerivation: KeyDerivationLimiter,
  ) {}

  async issue(request: IssueCertificateRequest): Promise<IssuedCertificate> {
    try {
      const notAfter = request.notAfter ?? new Date(Date.now() + this.validityDays * 24 * 60 * 60 * 1000);
      const { issuance } = request;
      if (issuance)
        await this.issuances.begin({ key: issuance.key, customerId: request.customerId, owner: issuance.owner, startedAt: Date.now() });
      const issued = await this.bankCa.issue({ realName: request.realName, idn: request.idn, type: request.type, notAfter });
      const summary = await inspectCertificate(issued.certificate);
      if (
        issuance &&
        !(await this.issuances.issued(issuance.key, { serialNumber: summary.serialNumber, fingerprint: summary.fingerprintSha256 }))
      ) {
        // Given up on while the CA worked (the turn timed out or failed): nobody will receive it.
        await this.revokeUndelivered(request.customerId, summary.serialNumber);
        throw new Error('the issuance was given up on while the CA issued');
      }
      const encryptStarted = performance.now();
      const signPri = bufferOf(await encryptPrivateKeyFile(issued.privateKeyInfo, request.password));
      const keyEncryptionMs = performance.now() - encryptStarted;
      const pfx = await writePkcs12({
        certificate: issued.certificate,
        privateKeyInfo: issued.privateKeyInfo,
        chain: [this.bankCa.issuingCertificate.raw],
        password: request.password,
      });
      await this.registry.add(this.registryEntry(request.customerId, summary, 'issued'));
      await this.audit.record({
        ...actorOf(request),
        action: 'issue',
        outcome: 'success',
        customerId: request.customerId,
        serialNumber: summary.serialNumber,
        issuerDn: summary.issuerDn,
      });
      return {
        summary,
        signCert: issued.certificate,
        signPri,
        pfx: bufferOf(pfx),
        npkiZip: bufferOf(
          writeNpkiZip({
            caDirectory: this.bankCa.profile.caDirectory,
            subjectDn: summary.subjectDn,
            signCert: issued.certificate,
            signPri,
          }),
        ),
        timings: { ...issued.timings, keyEncryptionMs },
      };
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

  /** The checks that need no password, for telling a customer early that a certificate will not do. */
  checkCertificate(certificate: Buffer, now?: Date): Promise<CertificateSummary> {
    return this.verifier.checkCertificate(certificate, now);
  }

  async register(request: RegistrationCheck & Actor & { readonly customerId: string }): Promise<RegisteredCertificate> {
    return this.auditingFailures(request, async () => {
      const { summary } = await this.withinKeyDerivationLimits(request.customerId, request.files, () => this.verifier.verify(request));
      return this.recordRegistration(request, summary);
    });
  }

  /**
   * Registration in two turns, first half: the password opens the files and every check but the owner's runs.
   * Besides CertificateError, rejects with KeyDerivationDeferred when the files cannot be opened now.
   */
  async unlockForRegistration(
    request: {
      readonly files: CustomerCertificateFiles | { readonly zip: Uint8Array };
      readonly password: string;
      readonly customerId: string;
    } & Actor,
  ) {
    const files = 'zip' in request.files ? readNpkiZip(request.files.zip) : request.files;
    return this.auditingFailures(request, () =>
      this.withinKeyDerivationLimits(request.customerId, files, () => this.verifier.unlock(files, request.password)),
    );
  }

  /** A file that asks too much is refused here, before any derivation; the rest run within the limits. */
  private async withinKeyDerivationLimits<T>(customerId: string, files: CustomerCertificateFiles, open: () => Promise<T>): Promise<T> {
    return this.keyDerivation.run(customerId, await keyDerivationsOf(files), open);
  }

  /** Second half: the owner check with the 주민등록번호 asked again, then the registration. */
  async completeRegistration(
    request: {
      readonly certificate: Uint8Array;
      readonly idn: string;
      readonly randomNum?: Uint8Array;
      readonly customerId: string;
    } & Actor,
  ): Promise<RegisteredCertificate> {
    return this.auditingFailures(request, async () => {
      await this.verifier.checkOwner(request.certificate, request.idn, request.randomNum);
      return this.recordRegistration(request, await inspectCertificate(request.certificate));
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

  /** A failed registration attempt is audited with its typed reason. */
  private async auditingFailures<T>(request: Actor & { readonly customerId: string }, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      await this.audit.record({
        ...actorOf(request),
        action: 'register',
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
      reason: 'issuanceInterrupted',
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

/** Where the certificate core keeps its records: in Redis, durable and shared by every instance, or in memory (see createStores). */
export interface CertificateStores {
  /** Each CA's serial numbers and revocations. */
  readonly caLedger: (caId: string) => CaLedger;
  readonly registry: CertificateRegistry;
  readonly audit: AuditLog;
  readonly issuances: IssuanceJournal;
  readonly keyDerivationBudget: KeyDerivationBudget;
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
  const keyDerivation = new KeyDerivationLimiter(stores.keyDerivationBudget);
  return new CertificateService(
    bankCa,
    otherBankCa,
    verifier,
    stores.registry,
    stores.audit,
    options.validityDays,
    stores.issuances,
    keyDerivation,
  );
}

function actorOf(actor: Actor): Actor {
  return { actor: actor.actor, conversationId: actor.conversationId };
}

/** The typed reason, or a generic marker: error messages of ours never reach the audit log. */
function failureReason(err: unknown): string {
  return err instanceof CertificateError || err instanceof KeyDerivationDeferred ? err.reason : 'internalError';
}
