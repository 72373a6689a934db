import type { JourneyEvent, JourneyEventCount, JourneyEventLog } from '../metrics/journeyEvents';
import type { Queryable } from './database';

/** Journeys' progress in the system of record (table journey_events), counted for the supervisors' funnel. */
export class SqlJourneyEventLog implements JourneyEventLog {
  constructor(private readonly db: Queryable) {}

  /** All the events in one statement, whatever their number: one column array each. */
  async record(events: readonly JourneyEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.query(
      `INSERT INTO journey_events (at, journey, event, step)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[])`,
      [events.map((e) => e.at), events.map((e) => e.journey), events.map((e) => e.event), events.map((e) => e.step)],
    );
  }

  async counts(from: Date, to: Date): Promise<JourneyEventCount[]> {
    // Only record() writes the table, so its events are of our kinds.
    return this.db.query<JourneyEventCount>(
      `SELECT journey, event, step, count(*)::integer AS count FROM journey_events
       WHERE at >= $1 AND at < $2 GROUP BY journey, event, step ORDER BY journey, event, step`,
      [from, to],
    );
  }
}
