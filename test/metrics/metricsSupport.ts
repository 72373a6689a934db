import { Registry } from 'prom-client';
import type { JourneyEvent, JourneyEventCount, JourneyEventLog } from '../../src/metrics/journeyEvents';
import { createMetrics, Metrics, MetricsOptions } from '../../src/metrics/metrics';

/** The app's metrics on a registry of the test's own, and that registry's Prometheus text. */
export function testMetrics(options: MetricsOptions = {}): { metrics: Metrics; text: () => Promise<string> } {
  const registry = new Registry();
  return { metrics: createMetrics(registry, options), text: () => registry.metrics() };
}

/**
 * The value of sample `name` with exactly `labels` in Prometheus text (a histogram's `_count`,
 * `_sum` and `_bucket` are samples of their own), or undefined when there is no such sample.
 */
export function sample(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]);
    const wanted = Object.entries(labels);
    if (found.length === wanted.length && wanted.every(([key, value]) => found.some(([k, v]) => k === key && v === value)))
      return Number(match[3]);
  }
  return undefined;
}

/** The journey events table as a test sees it: every event recorded, in order. */
export class FakeJourneyLog implements JourneyEventLog {
  readonly events: JourneyEvent[] = [];

  async record(events: readonly JourneyEvent[]): Promise<void> {
    this.events.push(...events);
  }

  async counts(): Promise<JourneyEventCount[]> {
    throw new Error('the ops view reads counts; these tests read the events');
  }

  /** The events of `journey` as "event step" lines, in order. */
  of(journey: string): string[] {
    return this.events.filter((e) => e.journey === journey).map((e) => `${e.event} ${e.step}`);
  }
}
