import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../../logging/logger';
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

function validated(certificate: RegisteredCertificate): RegisteredCertificate {
  const candidate: RegisteredCertificate = { ...certificate, fingerprintSha256: normalizeFingerprint(certificate.fingerprintSha256) };
  if (typeof candidate.revocationReason === 'string') candidate.revocationReason = scrubFreeText(candidate.revocationReason);
  const checked = newCertificateSchema.parse(candidate);
  assertNotRawRrn(checked.customerId);
  return checked;
}

function withStatus(
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

/** Sets a hash field only if it still holds the value read before; 1 when written. */
const COMPARE_AND_SET = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

const MAX_UPDATE_ATTEMPTS = 5;

/**
 * One Redis hash per customer, `<prefix>certificates/<customerId>`, fingerprint → JSON, and one
 * index, `<prefix>certificate-owners`, fingerprint → customerId, written with every entry. Durable: no
 * TTL. A value that does not validate is skipped (and logged, without its content), never fatal.
 * Redis errors are not caught: they reject.
 */
export class RedisCertificateRegistry implements CertificateRegistry {
  private readonly prefix: string;
  private readonly now: () => Date;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly redis: Redis,
    options: CertificateRegistryOptions & { prefix: string; logger?: Logger },
  ) {
    this.prefix = options.prefix;
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
  }

  /** The Redis key of a customer's hash. */
  keyOf(customerId: string): string {
    return `${this.prefix}certificates/${customerId}`;
  }

  /** The Redis key of the fingerprint → customerId index (not under `certificates/`, where any name may be a customer's). */
  get ownersKey(): string {
    return `${this.prefix}certificate-owners`;
  }

  async add(certificate: RegisteredCertificate): Promise<void> {
    const checked = validated(certificate);
    const written = await this.redis
      .multi()
      .hset(this.keyOf(checked.customerId), checked.fingerprintSha256, JSON.stringify(checked))
      .hset(this.ownersKey, checked.fingerprintSha256, checked.customerId)
      .exec();
    // A transaction reports a failed command in its results instead of rejecting.
    const failed = written?.find(([err]) => err !== null)?.[0];
    if (failed) throw failed;
  }

  async list(customerId: string): Promise<RegisteredCertificate[]> {
    const key = this.keyOf(customerId);
    const all = await this.redis.hgetall(key);
    const entries: RegisteredCertificate[] = [];
    for (const [field, raw] of Object.entries(all)) {
      const entry = this.parse(key, field, raw);
      if (entry !== undefined) entries.push(entry);
    }
    return entries.sort(byRegistration);
  }

  async find(customerId: string, fingerprintSha256: string): Promise<RegisteredCertificate | undefined> {
    const key = this.keyOf(customerId);
    const field = normalizeFingerprint(fingerprintSha256);
    return this.parse(key, field, await this.redis.hget(key, field));
  }

  async findByFingerprint(fingerprintSha256: string): Promise<RegisteredCertificate | undefined> {
    const owner = await this.redis.hget(this.ownersKey, normalizeFingerprint(fingerprintSha256));
    return owner === null ? undefined : this.find(owner, fingerprintSha256);
  }

  async updateStatus(
    customerId: string,
    fingerprintSha256: string,
    status: CertificateStatus,
    reason?: string,
  ): Promise<RegisteredCertificate | undefined> {
    const key = this.keyOf(customerId);
    const field = normalizeFingerprint(fingerprintSha256);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const raw = await this.redis.hget(key, field);
      const current = this.parse(key, field, raw);
      if (raw === null || current === undefined) return undefined;
      const next = withStatus(current, status, reason, this.now());
      if (next === current) return current;
      const written = await this.redis.eval(COMPARE_AND_SET, 1, key, field, raw, JSON.stringify(next));
      if (written === 1) {
        // An entry kept from before the index existed is found by its fingerprint from its first change on.
        await this.redis.hsetnx(this.ownersKey, field, customerId);
        return next;
      }
    }
    throw new Error('certificate registry: too many concurrent updates');
  }

  private parse(key: string, field: string, raw: string | null): RegisteredCertificate | undefined {
    if (raw === null) return undefined;
    let entry: RegisteredCertificate | undefined;
    try {
      const parsed = registeredCertificateSchema.safeParse(JSON.parse(raw));
      // The field is the fingerprint: an entry filed under another one is not to be trusted either.
      if (parsed.success && parsed.data.fingerprintSha256 === field && this.keyOf(parsed.data.customerId) === key) entry = parsed.data;
    } catch {
      entry = undefined;
    }
    if (entry === undefined) this.logger?.warn({ key, field }, 'certificate registry: skipping an entry that does not validate');
    return entry;
  }
}
