import type { HandoffReason } from '../../dialogs/contract/replies';
import type { TurnOutcomeLabel } from '../../src/metrics/metrics';
import { capturingLogger } from '../support/testBot';
import { sample, testMetrics } from './metricsSupport';

test('a label value off its list is counted as "other": a channel we do not know, or a reason that slipped past its type', async () => {
  const { metrics, text } = testMetrics();
  metrics.turnEnded({ channel: 'DirectLine', outcome: 'answered', seconds: 0.2 });
  metrics.turnEnded({ channel: 'hong-gildong-010-2468-1357', outcome: 'answered', seconds: 0.2 });
  metrics.turnEnded({ channel: 'msteams', outcome: '900101-1234567' as TurnOutcomeLabel, seconds: 0.2 });
  metrics.handoffRequested('홍길동 asked' as HandoffReason);
  const scraped = await text();
  expect(sample(scraped, 'jca_turns_total', { channel: 'directline', outcome: 'answered' })).toBe(1);
  expect(sample(scraped, 'jca_turns_total', { channel: 'other', outcome: 'answered' })).toBe(1);
  expect(sample(scraped, 'jca_turns_total', { channel: 'msteams', outcome: 'other' })).toBe(1);
  expect(sample(scraped, 'jca_handoffs_total', { reason: 'other' })).toBe(1);
  expect(scraped).not.toMatch(/hong|2468|1234567|홍길동/);
});

test('the queue read at each scrape; when it cannot be read the scrape still answers, the length is unknown (NaN), and the failure logged', async () => {
  let length: () => Promise<number> = async () => 3;
  const { logger, lines } = capturingLogger();
  const { text } = testMetrics({ handoffQueueLength: () => length(), logger });
  expect(sample(await text(), 'jca_handoff_queue_length')).toBe(3);
  length = async () => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
  const scraped = await text();
  expect(sample(scraped, 'jca_handoff_queue_length')).toBeNaN();
  expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['handoff queue not measured']);
});

test('a stage is timed whether its work succeeds or throws, and the error still reaches the caller', async () => {
  const { metrics, text } = testMetrics();
  await expect(metrics.timeStage('persist', async () => Promise.reject(new Error('eTag conflict')))).rejects.toThrow('eTag conflict');
  expect(() =>
    metrics.timeStageSync('decode', () => {
      throw new Error('unreadable');
    }),
  ).toThrow('unreadable');
  expect(await metrics.timeStage('step', async () => 'stepped')).toBe('stepped');
  const scraped = await text();
  for (const stage of ['persist', 'decode', 'step'])
    expect({ stage, count: sample(scraped, 'jca_turn_stage_duration_seconds_count', { stage }) }).toEqual({ stage, count: 1 });
});
