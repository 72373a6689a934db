import type { JourneyEvent, JourneyEventLog } from '../../src/metrics/journeyEvents';
import { BatchedJourneyEventLog } from '../../src/records/batchedJourneyEventLog';
import { createLogger } from '../../src/logging/logger';

const event = (step: string): JourneyEvent => ({ at: new Date(0), journey: 'issuing', event: 'reached', step });

function harness(options: { maxBatch?: number; maxPending?: number; failing?: boolean } = {}) {
  const written: JourneyEvent[][] = [];
  let lost = 0;
  const inner: JourneyEventLog = {
    record: async (events) => {
      if (options.failing) throw new Error('database away');
      written.push([...events]);
    },
    counts: async () => [],
  };
  const log = new BatchedJourneyEventLog(inner, {
    flushMs: 60_000,
    maxBatch: options.maxBatch ?? 100,
    maxPending: options.maxPending ?? 1_000,
    logger: createLogger('silent'),
    onLost: (events) => void (lost += events),
  });
  return { log, written, lost: () => lost };
}

test('turns hand their events over at once; they are written together, in order, on flush', async () => {
  const { log, written } = harness();
  await log.record([event('a')]);
  await log.record([event('b'), event('c')]);
  expect(written).toEqual([]);
  await log.flush();
  expect(written).toEqual([[event('a'), event('b'), event('c')]]);
  await log.flush();
  expect(written).toHaveLength(1);
});

test('a full batch is written without waiting for the timer', async () => {
  const { log, written } = harness({ maxBatch: 2 });
  await log.record([event('a'), event('b')]);
  await log.flush();
  expect(written).toEqual([[event('a'), event('b')]]);
});

test('a batch the database refuses, and events beyond the bound while it is away, are counted as lost, never thrown at the turn', async () => {
  const failing = harness({ failing: true });
  await failing.log.record([event('a'), event('b')]);
  await failing.log.flush();
  expect(failing.lost()).toBe(2);

  const full = harness({ maxPending: 2 });
  await full.log.record([event('a'), event('b'), event('c')]);
  expect(full.lost()).toBe(1);
  await full.log.flush();
  expect(full.written).toEqual([[event('a'), event('b')]]);
});
