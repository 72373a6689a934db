import type { RetentionSchedule } from '../config/retentionSchedule';
import type { Logger } from '../logging/logger';
import type { Database } from './database';
import { purgeExpired } from './retention';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The retention purge once a day in the bot (RETENTION_DAILY), the first an hour after start.
 * Several instances purging the same day do no harm: the second finds nothing left. A failure
 * (a login without the owner's rights, say) is logged and tried again the next day.
 */
export function startDailyRetention(db: Database, schedule: RetentionSchedule, logger: Logger): () => void {
  const run = async (): Promise<void> => {
    try {
      logger.info({ removed: await purgeExpired(db, schedule, new Date()) }, 'retention purge done');
    } catch (error) {
      logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'retention purge failed');
    }
  };
  const first = setTimeout(() => void run(), DAY_MS / 24);
  const daily = setInterval(() => void run(), DAY_MS);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
