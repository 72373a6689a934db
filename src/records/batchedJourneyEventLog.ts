import type { Logger } from '../logging/logger';
import type { JourneyEvent, JourneyEventCount, JourneyEventLog } from '../metrics/journeyEvents';

export interface BatchOptions {
  /** Events wait at most this long before they are written. */
  readonly flushMs: number;
  /** A batch this big is written at once. */
  readonly maxBatch: number;
  /** While the database is away, at most this many wait; newer ones are dropped (and counted). */
  readonly maxPending: number;
  readonly logger: Logger;
  /** Events that could not be kept: the database refused the batch, or too many waited. */
  readonly onLost: (events: number) => void;
}

/**
 * Journey events written in batches: one statement per second (or per `maxBatch` events) instead
 * of one per turn, so a turn costs the database nothing. They are the funnel's counts, not records
 * of any customer: a crash loses at most the last second's, and `flush` on close loses none.
 */
export class BatchedJourneyEventLog implements JourneyEventLog {
  private pending: JourneyEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: JourneyEventLog,
    private readonly options: BatchOptions,
  ) {}

  async record(events: readonly JourneyEvent[]): Promise<void> {
    const room = this.options.maxPending - this.pending.length;
    if (events.length > room) this.options.onLost(events.length - Math.max(0, room));
    this.pending.push(...events.slice(0, Math.max(0, room)));
    if (this.pending.length >= this.options.maxBatch) void this.flush();
    else if (this.timer === undefined && this.pending.length > 0) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
      this.timer.unref();
    }
  }

  counts(from: Date, to: Date): Promise<JourneyEventCount[]> {
    return this.log.counts(from, to);
  }

  /** Writes what waits, after any batch already being written; never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => (batch.length === 0 ? undefined : this.write(batch)));
    return this.writing;
  }

  private async write(batch: readonly JourneyEvent[]): Promise<void> {
    try {
      await this.log.record(batch);
    } catch (err) {
      this.options.onLost(batch.length);
      this.options.logger.error(
        { err: { name: (err as Error).name, message: (err as Error).message }, events: batch.length },
        'journey events not kept',
      );
    }
  }
}
