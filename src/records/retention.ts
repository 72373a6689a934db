import type { RetentionSchedule } from '../config/retentionSchedule';
import { appendAudit } from './auditChain';
import type { Database, Queryable } from './database';

const DAY_MS = 24 * 3600 * 1000;

/** How many rows of each kind one purge removed. */
export interface PurgeReport {
  readonly certificates: number;
  readonly caCertificates: number;
  readonly caSubscribers: number;
  readonly issuances: number;
  readonly consents: number;
  readonly staffAccess: number;
  readonly journeyEvents: number;
  readonly audit: number;
}

/**
 * Deletes what is past its time on the schedule, as of `now`, in one transaction that ends with an
 * audit row saying what went. Audit rows go oldest first and without gaps, and the purge's row
 * names the last one removed (its sequence number and hash), so the chain still verifies from the
 * first row kept. Runs as the tables' owner: the bot's role may not delete audit rows.
 */
export async function purgeExpired(db: Database, schedule: RetentionSchedule, now: Date): Promise<PurgeReport> {
  const before = (days: number): Date => new Date(now.getTime() - days * DAY_MS);
  const records = before(schedule.recordsDays);
  const consentsEnd = before(schedule.consentDaysAfterRelationship);
  return db.transaction(async (tx) => {
    // The owner's rights for this transaction only (a no-op where the login is the owner already).
    await tx.exec('SET LOCAL ROLE NONE');
    const count = async (sql: string, params: readonly unknown[]): Promise<number> => (await tx.query(`${sql} RETURNING 1`, params)).length;
    const counts = {
      // A certificate's record is kept for the records' time after it ended (expired, or last changed: revoked, released).
      certificates: await count('DELETE FROM certificates WHERE GREATEST(not_after, updated_at) < $1', [records]),
      caCertificates: await count('DELETE FROM ca_certificates WHERE not_after < $1', [records]),
      // A subscriber record (a sealed 주민등록번호) serves renewals only while its certificate is valid.
      caSubscribers: await count('DELETE FROM ca_subscribers WHERE keep_until < $1', [now]),
      issuances: await count('DELETE FROM issuances WHERE started_at < $1 AND outcome IS NOT NULL', [records]),
      // The relationship lasts while the customer has a certificate here that is active or ended within the period.
      consents: await count(
        `DELETE FROM consents c WHERE c.at < $1 AND NOT EXISTS (
           SELECT 1 FROM certificates r WHERE r.customer_id = c.customer_id
             AND ((r.status = 'active' AND r.not_after > $2) OR GREATEST(r.not_after, r.updated_at) >= $1))`,
        [consentsEnd, now],
      ),
      staffAccess: await count('DELETE FROM staff_access WHERE at < $1', [before(schedule.staffAccessDays)]),
      journeyEvents: await count('DELETE FROM journey_events WHERE at < $1', [records]),
    };
    const audit = await purgeAudit(tx, records);
    const report: PurgeReport = { ...counts, audit: audit.removed };
    await appendAudit(tx, {
      at: now,
      category: 'retention',
      action: 'purge',
      outcome: 'success',
      actor: 'system',
      details: { removed: report, schedule: { ...schedule }, ...(audit.through && { auditRemovedThrough: audit.through }) },
    });
    return report;
  });
}

/**
 * Removes the audit rows from the chain's start up to the first one still within its time (rows
 * are appended in time order; a row written with an older date later waits for the ones before it).
 */
async function purgeAudit(tx: Queryable, cutoff: Date): Promise<{ removed: number; through?: { seq: number; hash: string } }> {
  const [last] = await tx.query<{ seq: number; hash: string }>(
    `SELECT seq, hash FROM audit_log
     WHERE at < $1 AND seq < COALESCE((SELECT min(seq) FROM audit_log WHERE at >= $1), 9223372036854775807)
     ORDER BY seq DESC LIMIT 1`,
    [cutoff],
  );
  if (last === undefined) return { removed: 0 };
  const removed = (await tx.query('DELETE FROM audit_log WHERE seq <= $1 RETURNING 1', [last.seq])).length;
  return { removed, through: { seq: last.seq, hash: last.hash } };
}
