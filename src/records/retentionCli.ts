import { loadConfig } from '../config/config';
import { runTool } from './recordsCli';
import { purgeExpired } from './retention';

/** `npm run retention`: deletes what is past its time on the configured schedule (RETENTION_*), and audits it. */
runTool(async (db) => {
  const { retention } = loadConfig(process.env);
  return { ok: true, report: await purgeExpired(db, retention, new Date()) };
});
