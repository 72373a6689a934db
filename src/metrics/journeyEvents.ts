/**
 * A journey's progress as the supervisors' funnel counts it: started, each step reached, and how it
 * ended. No customer, no conversation: only the journey, the step and when.
 */
export type JourneyEventKind = 'started' | 'reached' | 'completed' | 'abandoned' | 'handedOff' | 'failed';

export interface JourneyEvent {
  readonly at: Date;
  /** A journey's id (dialogs/journeys.ts). */
  readonly journey: string;
  readonly event: JourneyEventKind;
  /** The step (state) reached or left; for 'handedOff' and 'failed' the step it happened at. */
  readonly step: string;
}

/** Where journey events go: the system of record (table journey_events), read by the desk's ops view. */
export interface JourneyEventLog {
  record(events: readonly JourneyEvent[]): Promise<void>;
  /** Counts per journey, event and step within [from, to). */
  counts(from: Date, to: Date): Promise<JourneyEventCount[]>;
}

export interface JourneyEventCount {
  readonly journey: string;
  readonly event: JourneyEventKind;
  readonly step: string;
  readonly count: number;
}
