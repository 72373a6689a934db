import { appendAudit } from './auditChain';
import type { Database } from './database';

/**
 * A configuration-relevant event in the audit: what an instance started with (sandbox or not, the
 * sealing key's id, the retention schedule …), a key rotation. Ids and settings only, never a key.
 */
export async function auditConfiguration(db: Database, action: 'started' | 'keysRotated', details: Record<string, unknown>): Promise<void> {
  await db.transaction((tx) =>
    appendAudit(tx, { at: new Date(), category: 'configuration', action, outcome: 'success', actor: 'system', details }),
  );
}
