import { createHash } from 'node:crypto';
import { z } from 'zod';
import { assertNotRawRrn, scrubFreeText } from './auditLog';

export type CertificateOrigin = 'issued' | 'registered';
export type CertificateStatus = 'active' | 'released' | 'revoked';

/**
 * A customer's certificate as the bank knows it: issued here, or issued elsewhere and registered
 * here. Public facts only: never a private key, key file or password.
 */
export interface RegisteredCertificate {
  /** An opaque keyed hash of the 주민등록번호, provided by the caller. */
  customerId: string;
  serialNumber: string;
  issuerDn: string;
  subjectDn: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the certificate's DER, 64 lower-case hex digits (see `certificateFingerprint`). */
  fingerprintSha256: string;
  policyOid?: string;
  origin: CertificateOrigin;
  status: CertificateStatus;
  registeredAt: string;
  updatedAt: string;
  revocationReason?: string;
}

export interface CertificateRegistry {
  /** Adds the certificate, replacing the customer's entry with the same fingerprint (re-registration after release). */
  add(certificate: RegisteredCertificate): Promise<void>;
  /** The customer's certificates, oldest registration first. */
  list(customerId: string): Promise<RegisteredCertificate[]>;
  find(customerId: string, fingerprintSha256: string): Promise<RegisteredCertificate | undefined>;
  /**
   * The entry of a certificate whoever's it is: renewal by key knows the certificate, not yet the
   * customer. The last customer it was added for, when several were.
   */
  findByFingerprint(fingerprintSha256: string): Promise<RegisteredCertificate | undefined>;
  /**
   * Sets the status (and `updatedAt`); `reason` is kept as `revocationReason` for 'revoked'.
   * Revocation is final: a revoked entry is returned unchanged when asked for another status.
   * Undefined when the customer has no such certificate.
   */
  updateStatus(
    customerId: string,
    fingerprintSha256: string,
    status: CertificateStatus,
    reason?: string,
  ): Promise<RegisteredCertificate | undefined>;
}

const isoDate = z.string().datetime({ offset: true });

const registeredCertificateSchema = z.object({
  customerId: z.string().min(1).max(200),
  serialNumber: z.string().min(1).max(200),
  issuerDn: z.string().min(1).max(2000),
  subjectDn: z.string().min(1).max(2000),
  notBefore: isoDate,
  notAfter: isoDate,
  fingerprintSha256: z.string().regex(/^[0-9a-f]{64}$/),
  policyOid: z
    .string()
    .regex(/^\d+(\.\d+)+$/)
    .optional(),
  origin: z.enum(['issued', 'registered']),
  status: z.enum(['active', 'released', 'revoked']),
  registeredAt: isoDate,
  updatedAt: isoDate,
  revocationReason: z.string().max(500).optional(),
});

/** On `add`: exactly the known fields, so nothing else (a key, a password) can ride along into storage. */
const newCertificateSchema = registeredCertificateSchema.strict();

/** The SHA-256 fingerprint of a certificate's DER, in the registry's form. */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Accepts `AB:CD:…` (node's X509Certificate.fingerprint256) as well as plain hex. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[:\s]/g, '').toLowerCase();
}

/** Checked and cleaned before it is stored: exactly the known fields, free text scrubbed, never a raw 주민등록번호. */
export function validated(certificate: RegisteredCertificate): RegisteredCertificate {
  const candidate: RegisteredCertificate = { ...certificate, fingerprintSha256: normalizeFingerprint(certificate.fingerprintSha256) };
  if (typeof candidate.revocationReason === 'string') candidate.revocationReason = scrubFreeText(candidate.revocationReason);
  const checked = newCertificateSchema.parse(candidate);
  assertNotRawRrn(checked.customerId);
  return checked;
}

/** The entry with its new status; revocation is final. */
export function withStatus(
  current: RegisteredCertificate,
  status: CertificateStatus,
  reason: string | undefined,
  now: Date,
): RegisteredCertificate {
  if (current.status === 'revoked' && status !== 'revoked') return current;
  const next: RegisteredCertificate = { ...current, status, updatedAt: now.toISOString() };
  if (status === 'revoked') {
    if (reason !== undefined) next.revocationReason = scrubFreeText(reason);
  } else {
    delete next.revocationReason;
  }
  return next;
}

function byRegistration(a: RegisteredCertificate, b: RegisteredCertificate): number {
  return a.registeredAt.localeCompare(b.registeredAt) || a.fingerprintSha256.localeCompare(b.fingerprintSha256);
}

export interface CertificateRegistryOptions {
  now?: () => Date;
}

export class MemoryCertificateRegistry implements CertificateRegistry {
  private readonly customers = new Map<string, Map<string, RegisteredCertificate>>();
  /** Fingerprint → the customer it was last added for. */
  private readonly owners = new Map<string, string>();
  private readonly now: () => Date;

  constructor(options: CertificateRegistryOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  async add(certificate: RegisteredCertificate): Promise<void> {
    const checked = validated(certificate);
    const entries = this.customers.get(checked.customerId) ?? new Map<string, RegisteredCertificate>();
    entries.set(checked.fingerprintSha256, checked);
    this.customers.set(checked.customerId, entries);
    this.owners.set(checked.fingerprintSha256, checked.customerId);
  }

  async list(customerId: string): Promise<RegisteredCertificate[]> {
    return [...(this.customers.get(customerId)?.values() ?? [])].map((entry) => ({ ...entry })).sort(byRegistration);
  }

  async find(customerId: string, fingerprintSha256: string): Promise<RegisteredCertificate | undefined> {
    const entry = this.customers.get(customerId)?.get(normalizeFingerprint(fingerprintSha256));
    return entry && { ...entry };
  }

  async findByFingerprint(fingerprintSha256: string): Promise<RegisteredCertificate | undefined> {
    const owner = this.owners.get(normalizeFingerprint(fingerprintSha256));
    return owner === undefined ? undefined : this.find(owner, fingerprintSha256);
  }

  async updateStatus(
    customerId: string,
    fingerprintSha256: string,
    status: CertificateStatus,
    reason?: string,
  ): Promise<RegisteredCertificate | undefined> {
    const entries = this.customers.get(customerId);
    const fingerprint = normalizeFingerprint(fingerprintSha256);
    const current = entries?.get(fingerprint);
    if (entries === undefined || current === undefined) return undefined;
    const next = withStatus(current, status, reason, this.now());
    entries.set(fingerprint, next);
    return { ...next };
  }
}
