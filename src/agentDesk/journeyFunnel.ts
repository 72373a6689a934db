import type { JourneyEventCount } from '../metrics/journeyEvents';

/**
 * The supervisors' funnel of one journey over a period, as /agent/api/ops/funnel sends it and the
 * ops page draws it. Plain data, no Node and no DOM: the page reads these types too.
 */
export interface JourneyFunnel {
  readonly journey: string;
  /** Started, then each step by how many reached it (most first), then completed. */
  readonly funnel: readonly FunnelStage[];
  /** Where journeys were left unfinished, most first. */
  readonly abandoned: readonly StepCount[];
  readonly handedOff: number;
  readonly failed: number;
}

export type FunnelStage =
  | { readonly stage: 'started' | 'completed'; readonly count: number }
  | { readonly stage: 'reached'; readonly step: string; readonly count: number };

export interface StepCount {
  readonly step: string;
  readonly count: number;
}

/** The answer of /agent/api/ops/funnel: the period [from, to) as ISO instants, and each journey with events in it. */
export interface FunnelReport {
  readonly from: string;
  readonly to: string;
  readonly journeys: readonly JourneyFunnel[];
}

/** Each journey's funnel from the log's counts, journeys in the order of their ids. */
export function journeyFunnels(counts: readonly JourneyEventCount[]): JourneyFunnel[] {
  const journeys = [...new Set(counts.map((row) => row.journey))].sort();
  const rowsOf = (journey: string) => counts.filter((row) => row.journey === journey);
  return journeys.map((journey) => funnelOf(journey, rowsOf(journey)));
}

function funnelOf(journey: string, rows: readonly JourneyEventCount[]): JourneyFunnel {
  const of = (event: JourneyEventCount['event']) => rows.filter((row) => row.event === event);
  const total = (event: JourneyEventCount['event']) => of(event).reduce((sum, row) => sum + row.count, 0);
  return {
    journey,
    funnel: [
      { stage: 'started', count: total('started') },
      ...byStep(of('reached')).map(({ step, count }) => ({ stage: 'reached' as const, step, count })),
      { stage: 'completed', count: total('completed') },
    ],
    abandoned: byStep(of('abandoned')),
    handedOff: total('handedOff'),
    failed: total('failed'),
  };
}

/** Counts per step, most first; steps equally reached keep the order of their names, so the chart does not reshuffle. */
function byStep(rows: readonly JourneyEventCount[]): StepCount[] {
  const counts = new Map<string, number>();
  for (const { step, count } of rows) counts.set(step, (counts.get(step) ?? 0) + count);
  return [...counts]
    .map(([step, count]) => ({ step, count }))
    .sort((a, b) => b.count - a.count || (a.step < b.step ? -1 : a.step > b.step ? 1 : 0));
}
