import type Redis from 'ioredis';

/**
 * How an issuance ended: its download link reached the customer; or it did not, and the
 * certificate (if the CA had issued it) was revoked; or it failed before anything was issued.
 */
export type IssuanceOutcome = 'delivered' | 'revoked' | 'failed';

export interface IssuanceStart {
  /** The issuance's idempotency key: one per attempt to issue, never reused. */
  readonly key: string;
  readonly customerId: string;
  /** Who waits for the certificate (the conversation), opaque here; told on its next turn if it never came. */
  readonly owner: string;
  readonly startedAt: number;
  /**
   * How long the issuance is held without renewal; ISSUANCE_LEASE_MS unless given. An issuance
   * whose delivery the device completes (the secure page) is held for its delivery window instead.
   */
  readonly leaseMs?: number;
}

export interface IssuanceRecord extends Omit<IssuanceStart, 'leaseMs'> {
  /** Set once the CA issued the certificate. */
  readonly serialNumber?: string;
  readonly fingerprint?: string;
  /** Set once the issuance is settled; final. */
  readonly outcome?: IssuanceOutcome;
  /** A live process still works on it: its lease is held (renewed while the turn runs). */
  readonly leased: boolean;
}

/** A lease lapses this long after its last renewal: a process killed mid-issuance is noticed this soon. */
export const ISSUANCE_LEASE_MS = 3_000;
/** The issuing process renews its lease this often. */
export const ISSUANCE_RENEW_MS = 1_000;
/** A settled issuance is kept this long (the audit log keeps the revocation for good). */
const SETTLED_RETENTION_SECONDS = 7 * 24 * 3600;
/** Unacknowledged issuances of a conversation are kept this long for its next turn. */
const OWNER_RETENTION_SECONDS = 24 * 3600;

/**
 * The write-ahead record of certificate issuance: "started (key, customer)" before the CA is
 * asked, "issued (serial)" as soon as it answers, "settled (delivered | revoked | failed)" at the
 * end. A started issuance that no live process holds any more and that never settled was
 * interrupted (a process killed, Redis lost mid-turn): its certificate, if issued, is revoked
 * rather than left valid with nobody holding its key, and the conversation waiting for it is told.
 */
export interface IssuanceJournal {
  begin(start: IssuanceStart): Promise<void>;
  /** Records the issued certificate; false when the issuance was settled meanwhile (given up on): the caller revokes it. */
  issued(key: string, certificate: { readonly serialNumber: string; readonly fingerprint: string }): Promise<boolean>;
  /** Keeps the lease of an issuance in progress. */
  renew(key: string): Promise<void>;
  /** Settles once; false when it was already settled (or is unknown). */
  settle(key: string, outcome: IssuanceOutcome): Promise<boolean>;
  find(key: string): Promise<IssuanceRecord | undefined>;
  /** The owner's issuances it has not been told about yet (open, or settled other than delivered); unknown keys are dropped. */
  ofOwner(owner: string): Promise<IssuanceRecord[]>;
  /** The owner was told (or has no need to be). */
  acknowledge(owner: string, keys: readonly string[]): Promise<void>;
  /** Open issuances whose lease lapsed: interrupted, oldest first. */
  interrupted(limit: number): Promise<IssuanceRecord[]>;
}

/** Records the certificate only while the issuance is still open. */
const ISSUED_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'outcome') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'serialNumber', ARGV[1], 'fingerprint', ARGV[2])
return 1
`;

/** Settles once: the outcome, a retention TTL, off the open set, lease dropped. */
const SETTLE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'outcome') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'outcome', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
`;

interface WithScripts {
  issuanceIssued(record: string, serialNumber: string, fingerprint: string): Promise<number>;
  issuanceSettle(record: string, open: string, lease: string, key: string, outcome: string, retentionSeconds: number): Promise<number>;
}

/**
 * Durable and shared: `<prefix>issuance/<key>` (a hash) and its lease `<prefix>issuance-lease/<key>`,
 * the open ones in `<prefix>issuances/open` (a sorted set by start), and each conversation's
 * unacknowledged ones in `<prefix>issuances/of/<owner>`. Settled records expire after a week.
 */
export class RedisIssuanceJournal implements IssuanceJournal {
  private readonly redis: Redis & WithScripts;
  private readonly openKey: string;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('issuanceIssued', { numberOfKeys: 1, lua: ISSUED_SCRIPT });
    redis.defineCommand('issuanceSettle', { numberOfKeys: 3, lua: SETTLE_SCRIPT });
    this.redis = redis as Redis & WithScripts;
    this.openKey = `${prefix}issuances/open`;
  }

  async begin(start: IssuanceStart): Promise<void> {
    const owner = this.ownerKey(start.owner);
    await this.redis
      .multi()
      .hset(this.recordKey(start.key), { customerId: start.customerId, owner: start.owner, startedAt: String(start.startedAt) })
      .set(this.leaseKey(start.key), '1', 'PX', start.leaseMs ?? ISSUANCE_LEASE_MS)
      .zadd(this.openKey, start.startedAt, start.key)
      .sadd(owner, start.key)
      .expire(owner, OWNER_RETENTION_SECONDS)
      .exec()
      .then(failOnError);
  }

  async issued(key: string, certificate: { serialNumber: string; fingerprint: string }): Promise<boolean> {
    return (await this.redis.issuanceIssued(this.recordKey(key), certificate.serialNumber, certificate.fingerprint)) === 1;
  }

  async renew(key: string): Promise<void> {
    await this.redis.pexpire(this.leaseKey(key), ISSUANCE_LEASE_MS);
  }

  async settle(key: string, outcome: IssuanceOutcome): Promise<boolean> {
    return (
      (await this.redis.issuanceSettle(this.recordKey(key), this.openKey, this.leaseKey(key), key, outcome, SETTLED_RETENTION_SECONDS)) ===
      1
    );
  }

  async find(key: string): Promise<IssuanceRecord | undefined> {
    return (await this.findAll([key]))[0];
  }

  async ofOwner(owner: string): Promise<IssuanceRecord[]> {
    const keys = await this.redis.smembers(this.ownerKey(owner));
    if (keys.length === 0) return [];
    const records = await this.findAll(keys);
    const gone = keys.filter((key) => !records.some((r) => r.key === key));
    if (gone.length > 0) await this.acknowledge(owner, gone);
    return records;
  }

  async acknowledge(owner: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.srem(this.ownerKey(owner), ...keys);
  }

  async interrupted(limit: number): Promise<IssuanceRecord[]> {
    const keys = await this.redis.zrange(this.openKey, 0, Math.max(0, limit - 1));
    if (keys.length === 0) return [];
    const records = await this.findAll(keys);
    // A key whose record expired or vanished cannot be acted on; it only leaves the open set.
    const gone = keys.filter((key) => !records.some((r) => r.key === key));
    if (gone.length > 0) await this.redis.zrem(this.openKey, ...gone);
    return records.filter((r) => r.outcome === undefined && !r.leased);
  }

  private async findAll(keys: readonly string[]): Promise<IssuanceRecord[]> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hgetall(this.recordKey(key)).exists(this.leaseKey(key));
    const replies = failOnError(await pipeline.exec());
    const records: IssuanceRecord[] = [];
    keys.forEach((key, i) => {
      const fields = replies[2 * i] as Record<string, string>;
      const leased = replies[2 * i + 1] === 1;
      const record = parseRecord(key, fields, leased);
      if (record !== undefined) records.push(record);
    });
    return records;
  }

  private recordKey(key: string): string {
    return `${this.prefix}issuance/${key}`;
  }

  private leaseKey(key: string): string {
    return `${this.prefix}issuance-lease/${key}`;
  }

  private ownerKey(owner: string): string {
    return `${this.prefix}issuances/of/${owner}`;
  }
}

function failOnError(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('issuance journal: transaction aborted');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

const OUTCOMES: readonly string[] = ['delivered', 'revoked', 'failed'];

function parseRecord(key: string, fields: Record<string, string>, leased: boolean): IssuanceRecord | undefined {
  const startedAt = Number(fields.startedAt);
  if (!fields.customerId || fields.owner === undefined || !Number.isFinite(startedAt)) return undefined;
  return {
    key,
    customerId: fields.customerId,
    owner: fields.owner,
    startedAt,
    serialNumber: fields.serialNumber || undefined,
    fingerprint: fields.fingerprint || undefined,
    outcome: fields.outcome !== undefined && OUTCOMES.includes(fields.outcome) ? (fields.outcome as IssuanceOutcome) : undefined,
    leased,
  };
}

/**
 * For a single process without Redis: a process that dies takes its CA ledger and registry with
 * it, so this only serves the turn-level cases (a replayed or failed turn). Bounded.
 */
export class MemoryIssuanceJournal implements IssuanceJournal {
  private readonly records = new Map<string, Omit<IssuanceRecord, 'leased'> & { leaseUntil: number }>();
  private readonly owners = new Map<string, Set<string>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async begin({ leaseMs = ISSUANCE_LEASE_MS, ...start }: IssuanceStart): Promise<void> {
    if (this.records.size >= this.maxEntries) this.forgetOldestSettled();
    this.records.set(start.key, { ...start, leaseUntil: this.now() + leaseMs });
    const keys = this.owners.get(start.owner) ?? new Set<string>();
    this.owners.set(start.owner, keys.add(start.key));
  }

  async issued(key: string, certificate: { serialNumber: string; fingerprint: string }): Promise<boolean> {
    const record = this.records.get(key);
    if (record === undefined || record.outcome !== undefined) return false;
    this.records.set(key, { ...record, ...certificate });
    return true;
  }

  async renew(key: string): Promise<void> {
    const record = this.records.get(key);
    if (record !== undefined && record.outcome === undefined) record.leaseUntil = this.now() + ISSUANCE_LEASE_MS;
  }

  async settle(key: string, outcome: IssuanceOutcome): Promise<boolean> {
    const record = this.records.get(key);
    if (record === undefined || record.outcome !== undefined) return false;
    this.records.set(key, { ...record, outcome, leaseUntil: 0 });
    return true;
  }

  async find(key: string): Promise<IssuanceRecord | undefined> {
    const record = this.records.get(key);
    return record && this.view(record);
  }

  async ofOwner(owner: string): Promise<IssuanceRecord[]> {
    return [...(this.owners.get(owner) ?? [])].flatMap((key) => {
      const record = this.records.get(key);
      return record ? [this.view(record)] : [];
    });
  }

  async acknowledge(owner: string, keys: readonly string[]): Promise<void> {
    const known = this.owners.get(owner);
    for (const key of keys) known?.delete(key);
    if (known?.size === 0) this.owners.delete(owner);
  }

  async interrupted(limit: number): Promise<IssuanceRecord[]> {
    return [...this.records.values()]
      .map((r) => this.view(r))
      .filter((r) => r.outcome === undefined && !r.leased)
      .sort((a, b) => a.startedAt - b.startedAt)
      .slice(0, limit);
  }

  private view({ leaseUntil, ...record }: Omit<IssuanceRecord, 'leased'> & { leaseUntil: number }): IssuanceRecord {
    return { ...record, leased: record.outcome === undefined && leaseUntil > this.now() };
  }

  private forgetOldestSettled(): void {
    for (const [key, record] of this.records) {
      if (record.outcome === undefined) continue;
      this.records.delete(key);
      this.owners.get(record.owner)?.delete(key);
      return;
    }
  }
}
