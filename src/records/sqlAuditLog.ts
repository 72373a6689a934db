import type { AuditLog, AuditRecord } from '../certificates/stores/auditLog';
import { auditRecordSchema, prepare } from '../certificates/stores/auditLog';
import type { HandoffAudit, HandoffAuditRecord } from '../handoff/handoffAudit';
import { HandoffAuditRecordSchema } from '../handoff/handoffAudit';
import { type AuditEntry, appendAudit, recentAudit } from './auditChain';
import type { Database, Queryable } from './database';

/** A certificate event (issue, register, release, revoke, renew) as a row of the chain. */
export function certificateAuditEntry(record: Omit<AuditRecord, 'at'>, now: Date): AuditEntry {
  const { at, action, outcome, actor, customerId, conversationId, serialNumber, ...details } = prepare(record, now);
  return {
    at: new Date(at),
    category: 'certificate',
    action,
    outcome,
    actor,
    ...(customerId !== undefined && { customerId }),
    ...(conversationId !== undefined && { conversationId }),
    ...(serialNumber !== undefined && { serialNumber }),
    details,
  };
}

/** Certificate events in the chained audit. */
export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(record: Omit<AuditRecord, 'at'>): Promise<void> {
    const entry = certificateAuditEntry(record, this.now());
    await this.db.transaction((tx) => appendAudit(tx, entry));
  }

  async recent(limit: number): Promise<AuditRecord[]> {
    return (await recentAudit(this.db, ['certificate'], limit)).flatMap((row) => {
      const parsed = auditRecordSchema.safeParse({
        ...row.details,
        at: row.at.toISOString(),
        action: row.action,
        outcome: row.outcome,
        actor: row.actor,
        customerId: row.customerId,
        conversationId: row.conversationId,
        serialNumber: row.serialNumber,
      });
      return parsed.success ? [parsed.data] : [];
    });
  }
}

/** Agents' actions (take, transfer, end) and hubs' status events in the chained audit. */
export class SqlHandoffAudit implements HandoffAudit {
  constructor(private readonly db: Database) {}

  async record(entry: HandoffAuditRecord): Promise<void> {
    const { action, agentId, conversation, at, outcome, ...details } = HandoffAuditRecordSchema.parse(entry);
    await this.db.transaction((tx) =>
      appendAgentAction(tx, {
        at: new Date(at),
        action,
        actor: agentId,
        conversationId: conversation,
        outcome: outcome ?? 'applied',
        details,
      }),
    );
  }

  async recent(limit: number): Promise<HandoffAuditRecord[]> {
    return (await recentAudit(this.db, ['agent'], limit)).flatMap((row) => {
      const parsed = HandoffAuditRecordSchema.safeParse({
        ...row.details,
        action: row.action,
        agentId: row.actor,
        conversation: row.conversationId,
        at: row.at.getTime(),
        ...(row.action === 'hubStatus' && { outcome: row.outcome }),
      });
      return parsed.success ? [parsed.data] : [];
    });
  }
}

/** An agent's action on a conversation (take, view, reply, transfer, end), or a hub's status event. */
export function appendAgentAction(
  tx: Queryable,
  action: { at: Date; action: string; actor: string; conversationId: string; outcome: string; details: Record<string, unknown> },
): Promise<unknown> {
  return appendAudit(tx, { category: 'agent', ...action });
}
