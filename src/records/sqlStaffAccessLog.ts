import type { StaffAccess, StaffAccessLog } from '../agentDesk/staffAccessLog';
import { appendAudit } from './auditChain';
import type { Database } from './database';

/** Staff access in the system of record (table staff_access, kept two years), and as a row of the audit. */
export class SqlStaffAccessLog implements StaffAccessLog {
  constructor(private readonly db: Database) {}

  async record(access: StaffAccess): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO staff_access (at, staff_id, conversation_id, what, why) VALUES ($1, $2, $3, $4, $5)', [
        access.at,
        access.staffId,
        access.conversationId,
        access.what,
        access.why,
      ]);
      await appendAudit(tx, {
        at: access.at,
        category: 'staffAccess',
        action: 'view',
        outcome: 'opened',
        actor: access.staffId,
        conversationId: access.conversationId,
        details: { what: access.what, why: access.why },
      });
    });
  }
}
