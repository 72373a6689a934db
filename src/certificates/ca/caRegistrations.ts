import type Redis from 'ioredis';
import { z } from 'zod';
import type { SecretBox } from '../../state/secretBox';
import type { CaRegistration } from './certificateAuthority';

/** A registration as the CA keeps it: what the bank registered, and the MAC key derived from the authorisation code (never the code). */
export interface StoredRegistration extends CaRegistration {
  readonly macKey: Uint8Array;
}

export type RegistrationLookup =
  | { readonly status: 'open'; readonly registration: StoredRegistration }
  | { readonly status: 'used' }
  | { readonly status: 'expired' }
  | { readonly status: 'unknown' };

/**
 * The CA's registrations, one use each and short-lived: the record (with the 주민등록번호, sealed)
 * lives as long as the authorisation; whether a reference was used or let expire is remembered a
 * day longer, without anything personal, so a late or repeated request is told which.
 */
export interface CaRegistrations {
  /** False when the reference number is already taken. */
  add(referenceNumber: string, registration: StoredRegistration, ttlMs: number): Promise<boolean>;
  find(referenceNumber: string): Promise<RegistrationLookup>;
  /** Uses the registration up, its record dropped; false when it was used or expired meanwhile (another request won). */
  use(referenceNumber: string): Promise<boolean>;
}

/** How long a reference's fate (used, expired) is remembered after its authorisation lapses. */
const FATE_MEMORY_MS = 24 * 3600 * 1000;
const SEAL_PURPOSE = 'ca-registration';

const Sealed = z.object({
  customerId: z.string(),
  realName: z.string(),
  idn: z.string(),
  type: z.enum(['personalBanking', 'personalGeneral']),
  notAfter: z.string().datetime().optional(),
  macKey: z.string(),
});

/** Drops the record and marks the reference used, only if the record was still there. */
const USE_SCRIPT = `
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], 'used', 'PX', ARGV[1])
return 1
`;

interface WithScripts {
  caRegistrationUse(record: string, fate: string, fateMs: number): Promise<number>;
}

/**
 * `<prefix>ca/registration/<ref>` (sealed, for the authorisation's life), `<prefix>ca/registration-fate/<ref>`
 * ('open' or 'used').
 */
export class RedisCaRegistrations implements CaRegistrations {
  private readonly redis: Redis & WithScripts;

  constructor(
    redis: Redis,
    private readonly box: SecretBox,
    private readonly prefix: string,
  ) {
    redis.defineCommand('caRegistrationUse', { numberOfKeys: 2, lua: USE_SCRIPT });
    this.redis = redis as Redis & WithScripts;
  }

  async add(referenceNumber: string, registration: StoredRegistration, ttlMs: number): Promise<boolean> {
    const claimed = await this.redis.set(this.fateKey(referenceNumber), 'open', 'PX', ttlMs + FATE_MEMORY_MS, 'NX');
    if (claimed === null) return false;
    await this.redis.set(this.recordKey(referenceNumber), this.seal(registration), 'PX', ttlMs);
    return true;
  }

  async find(referenceNumber: string): Promise<RegistrationLookup> {
    const [sealed, fate] = await this.redis.mget(this.recordKey(referenceNumber), this.fateKey(referenceNumber));
    const registration = sealed === null || sealed === undefined ? undefined : this.open(sealed);
    if (registration !== undefined) return { status: 'open', registration };
    if (fate === 'used') return { status: 'used' };
    return fate === 'open' ? { status: 'expired' } : { status: 'unknown' };
  }

  async use(referenceNumber: string): Promise<boolean> {
    return (await this.redis.caRegistrationUse(this.recordKey(referenceNumber), this.fateKey(referenceNumber), FATE_MEMORY_MS)) === 1;
  }

  private seal(registration: StoredRegistration): string {
    const plain: z.infer<typeof Sealed> = {
      customerId: registration.customerId,
      realName: registration.realName,
      idn: registration.idn,
      type: registration.type,
      ...(registration.notAfter !== undefined && { notAfter: registration.notAfter.toISOString() }),
      macKey: Buffer.from(registration.macKey).toString('base64'),
    };
    return this.box.seal(SEAL_PURPOSE, Buffer.from(JSON.stringify(plain)));
  }

  /** Undefined for a record sealed under another key or altered: as good as unknown. */
  private open(sealed: string): StoredRegistration | undefined {
    const plain = this.box.open(SEAL_PURPOSE, sealed);
    const parsed = plain === undefined ? undefined : Sealed.safeParse(JSON.parse(plain.toString('utf8')));
    if (!parsed?.success) return undefined;
    const { notAfter, macKey, ...rest } = parsed.data;
    return {
      ...rest,
      ...(notAfter !== undefined && { notAfter: new Date(notAfter) }),
      macKey: new Uint8Array(Buffer.from(macKey, 'base64')),
    };
  }

  private recordKey(referenceNumber: string): string {
    return `${this.prefix}ca/registration/${referenceNumber}`;
  }

  private fateKey(referenceNumber: string): string {
    return `${this.prefix}ca/registration-fate/${referenceNumber}`;
  }
}

/** For one process without Redis: the same answers, bounded. */
export class MemoryCaRegistrations implements CaRegistrations {
  private readonly entries = new Map<string, { registration?: StoredRegistration; expiresAt: number; used: boolean; forgetAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async add(referenceNumber: string, registration: StoredRegistration, ttlMs: number): Promise<boolean> {
    this.prune();
    if (this.entries.has(referenceNumber) || this.entries.size >= this.maxEntries) return false;
    const expiresAt = this.now() + ttlMs;
    this.entries.set(referenceNumber, { registration, expiresAt, used: false, forgetAt: expiresAt + FATE_MEMORY_MS });
    return true;
  }

  async find(referenceNumber: string): Promise<RegistrationLookup> {
    this.prune();
    const entry = this.entries.get(referenceNumber);
    if (entry === undefined) return { status: 'unknown' };
    if (entry.used) return { status: 'used' };
    if (entry.registration === undefined || entry.expiresAt <= this.now()) return { status: 'expired' };
    return { status: 'open', registration: entry.registration };
  }

  async use(referenceNumber: string): Promise<boolean> {
    const entry = this.entries.get(referenceNumber);
    if (entry === undefined || entry.used || entry.expiresAt <= this.now()) return false;
    entry.used = true;
    entry.registration = undefined;
    return true;
  }

  private prune(): void {
    const now = this.now();
    for (const [referenceNumber, entry] of this.entries) {
      if (entry.forgetAt <= now) this.entries.delete(referenceNumber);
      else if (entry.expiresAt <= now) entry.registration = undefined; // the 주민등록번호 goes with the authorisation
    }
  }
}
