import { createHash } from 'node:crypto';
import type { Queryable } from './database';

/** What the audit keeps of an event; `details` holds the rest of the event's own fields (never a secret). */
export interface AuditEntry {
  readonly at: Date;
  readonly category: 'certificate' | 'agent' | 'consent' | 'staffAccess' | 'retention' | 'configuration';
  readonly action: string;
  readonly outcome: string;
  readonly actor: string;
  readonly customerId?: string;
  readonly conversationId?: string;
  readonly serialNumber?: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditRow extends AuditEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The hash before the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * A row's hash: SHA-256 over the previous row's hash and the row's fields in a fixed order, so
 * changing, removing or reordering any row breaks every hash after it.
 */
export function rowHash(prevHash: string, seq: number, entry: AuditEntry): string {
  const fields = [seq, entry.at.toISOString(), ...storedFields(entry)];
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

/** The entry's columns after `at`, in the order of the table and of the hash. */
function storedFields(entry: AuditEntry): (string | null)[] {
  return [
    entry.category,
    entry.action,
    entry.outcome,
    entry.actor,
    entry.customerId ?? null,
    entry.conversationId ?? null,
    entry.serialNumber ?? null,
    JSON.stringify(entry.details),
  ];
}

/**
 * Appends a row chained to the last. Locking the head row makes appends take turns, inside the
 * caller's transaction: a row is chained only if everything else it goes with commits.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<AuditRow> {
  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head FOR UPDATE');
  if (head === undefined) throw new Error('the audit head is missing: were the migrations applied?');
  const seq = head.seq + 1;
  const hash = rowHash(head.hash, seq, entry);
  await tx.query(
    `INSERT INTO audit_log (seq, at, category, action, outcome, actor, customer_id, conversation_id, serial_number, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [seq, entry.at, ...storedFields(entry), head.hash, hash],
  );
  await tx.query('UPDATE audit_head SET seq = $1, hash = $2', [seq, hash]);
  return { ...entry, seq, prevHash: head.hash, hash };
}

interface StoredRow {
  seq: number;
  at: Date;
  category: AuditEntry['category'];
  action: string;
  outcome: string;
  actor: string;
  customer_id: string | null;
  conversation_id: string | null;
  serial_number: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, at, category, action, outcome, actor, customer_id, conversation_id, serial_number, details, prev_hash, hash';

function rowOf(stored: StoredRow): AuditRow {
  return {
    seq: stored.seq,
    at: new Date(stored.at),
    category: stored.category,
    action: stored.action,
    outcome: stored.outcome,
    actor: stored.actor,
    ...(stored.customer_id !== null && { customerId: stored.customer_id }),
    ...(stored.conversation_id !== null && { conversationId: stored.conversation_id }),
    ...(stored.serial_number !== null && { serialNumber: stored.serial_number }),
    details: JSON.parse(stored.details) as Record<string, unknown>,
    prevHash: stored.prev_hash,
    hash: stored.hash,
  };
}

/** The newest rows of some categories, newest first. */
export async function recentAudit(db: Queryable, categories: readonly AuditEntry['category'][], limit: number): Promise<AuditRow[]> {
  const count = Math.max(0, Math.min(Math.floor(limit) || 0, 10_000));
  if (count === 0) return [];
  const rows = await db.query<StoredRow>(`SELECT ${COLUMNS} FROM audit_log WHERE category = ANY($1) ORDER BY seq DESC LIMIT $2`, [
    categories,
    count,
  ]);
  return rows.map(rowOf);
}

export type ChainCheck =
  | { readonly ok: true; readonly rows: number; readonly firstSeq?: number; readonly lastSeq?: number }
  | { readonly ok: false; readonly rows: number; readonly brokenAt: number; readonly problem: string };

/** Rows read per query while checking: the chain may be long. */
const VERIFY_PAGE = 5_000;

/**
 * Walks the chain from its oldest row. The oldest row may follow rows the retention purge removed:
 * its link is then taken as the anchor the purge recorded. Names the first row that breaks it.
 */
export async function verifyAuditChain(db: Queryable): Promise<ChainCheck> {
  let previous: { seq: number; hash: string } | undefined;
  let rows = 0;
  let firstSeq: number | undefined;
  for (;;) {
    const page = (
      await db.query<StoredRow>(`SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [previous?.seq ?? 0, VERIFY_PAGE])
    ).map(rowOf);
    for (const row of page) {
      const broken = (problem: string): ChainCheck => ({ ok: false, rows, brokenAt: row.seq, problem });
      if (previous === undefined) {
        firstSeq = row.seq;
        if (row.seq === 1 && row.prevHash !== GENESIS_HASH) return broken('the first row does not start the chain');
        if (row.seq > 1 && !(await purgeAnchored(db, row))) return broken('rows before it are missing and no purge recorded removing them');
      } else {
        if (row.seq !== previous.seq + 1) return broken(`row ${previous.seq + 1} is missing`);
        if (row.prevHash !== previous.hash) return broken('its link to the row before does not match');
      }
      if (rowHash(row.prevHash, row.seq, row) !== row.hash) return broken('its contents do not match its hash');
      previous = row;
      rows++;
    }
    if (page.length < VERIFY_PAGE) break;
  }
  const [head] = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head');
  if (head !== undefined && previous !== undefined && (head.seq !== previous.seq || head.hash !== previous.hash))
    return { ok: false, rows, brokenAt: head.seq, problem: 'the newest rows are missing' };
  return { ok: true, rows, ...(firstSeq !== undefined && { firstSeq, lastSeq: previous?.seq }) };
}

/** A purge recorded that it removed the rows before this one, up to its link. */
async function purgeAnchored(db: Queryable, first: AuditRow): Promise<boolean> {
  const anchors = await db.query<{ details: string }>(
    `SELECT details FROM audit_log WHERE category = 'retention' AND action = 'purge' AND seq >= $1 ORDER BY seq LIMIT 100`,
    [first.seq],
  );
  return anchors.some((row) => {
    const details = JSON.parse(row.details) as { auditRemovedThrough?: { seq?: number; hash?: string } };
    return details.auditRemovedThrough?.seq === first.seq - 1 && details.auditRemovedThrough.hash === first.prevHash;
  });
}
