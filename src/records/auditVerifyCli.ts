import { verifyAuditChain } from './auditChain';
import { runTool } from './recordsCli';

/** `npm run audit:verify`: walks the audit chain; exit code 1 and the first broken row when it does not hold. */
runTool(async (db) => {
  const check = await verifyAuditChain(db);
  return { ok: check.ok, report: check };
});
