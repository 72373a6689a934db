import type { Database } from '../../src/records/database';
import { SqlJourneyEventLog } from '../../src/records/sqlJourneyEventLog';
import type { JourneyEvent } from '../../src/metrics/journeyEvents';
import { RECORD_DATABASES } from '../support/recordDatabases';

const at = (iso: string) => new Date(iso);
const event = (when: string, journey: string, kind: JourneyEvent['event'], step: string): JourneyEvent => ({
  at: at(when),
  journey,
  event: kind,
  step,
});

describe.each(RECORD_DATABASES)('journey events on %s, as the bot', (_name, open) => {
  let db: Database;
  let log: SqlJourneyEventLog;
  beforeAll(async () => {
    db = await open();
    log = new SqlJourneyEventLog(db);
    await log.record([
      // Before the period: not counted.
      event('2025-02-28T23:59:59.999Z', 'issuing', 'started', 'identity'),
      event('2025-03-01T00:00:00.000Z', 'issuing', 'started', 'identity'),
      event('2025-03-02T10:00:00.000Z', 'issuing', 'started', 'identity'),
      event('2025-03-02T10:01:00.000Z', 'issuing', 'reached', 'consent'),
      event('2025-03-02T10:02:00.000Z', 'issuing', 'reached', 'consent'),
      event('2025-03-02T10:03:00.000Z', 'issuing', 'abandoned', 'consent'),
      event('2025-03-03T09:00:00.000Z', 'registering', 'started', 'pickCertificate'),
      event('2025-03-03T09:05:00.000Z', 'registering', 'handedOff', 'pickCertificate'),
      event('2025-03-07T23:59:59.999Z', 'issuing', 'completed', 'delivered'),
      // The period's end is not in it.
      event('2025-03-08T00:00:00.000Z', 'issuing', 'completed', 'delivered'),
    ]);
  });
  afterAll(() => db?.close());

  test('counts by journey, event and step, within [from, to)', async () => {
    const counts = await log.counts(at('2025-03-01T00:00:00.000Z'), at('2025-03-08T00:00:00.000Z'));
    expect(counts).toEqual([
      { journey: 'issuing', event: 'abandoned', step: 'consent', count: 1 },
      { journey: 'issuing', event: 'completed', step: 'delivered', count: 1 },
      { journey: 'issuing', event: 'reached', step: 'consent', count: 2 },
      { journey: 'issuing', event: 'started', step: 'identity', count: 2 },
      { journey: 'registering', event: 'handedOff', step: 'pickCertificate', count: 1 },
      { journey: 'registering', event: 'started', step: 'pickCertificate', count: 1 },
    ]);
  });

  test('a period with no events counts nothing, and recording nothing adds nothing', async () => {
    await log.record([]);
    expect(await log.counts(at('2024-01-01T00:00:00.000Z'), at('2025-01-01T00:00:00.000Z'))).toEqual([]);
    const all = await log.counts(at('2000-01-01T00:00:00.000Z'), at('2100-01-01T00:00:00.000Z'));
    expect(all.reduce((sum, row) => sum + row.count, 0)).toBe(10);
  });
});
