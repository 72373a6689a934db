import { Channels } from 'botbuilder';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HandoffReason } from '../../dialogs/contract/replies';
import type { SecureFailure } from '../../dialogs/contract/secure';
import type { Logger } from '../logging/logger';

/*
 * Every label value comes from a fixed list, so a series can never carry what a customer typed
 * (nor grow without bound): a value off its list is counted as 'other'. Journeys and steps are the
 * machines' own state ids, checked against the machine where they are read (journeyTracker.ts).
 */

/** The stages of a turn: the state read, decode, routing to the person holding it, the flow's step, the save, render and send. */
export type TurnStage = 'load' | 'decode' | 'route' | 'step' | 'persist' | 'render' | 'deliver';

/** How a turn ended: replied to, queued for a person, nothing to do, a channel's redelivery skipped, or our apology. */
const TURN_OUTCOMES = ['answered', 'handedOff', 'ignored', 'duplicate', 'failed'] as const;
export type TurnOutcomeLabel = (typeof TURN_OUTCOMES)[number];

/** The channels a turn may come from (Bot Framework's, and our terminal chat); any other is 'other'. */
const CHANNELS: readonly string[] = [...Object.values(Channels), 'terminal'];

const HANDOFF_REASONS = Object.keys({ customerAsked: 1, misunderstood: 1, lockout: 1, error: 1 } satisfies Record<HandoffReason, 1>);

const SECURE_FAILURES = Object.keys({
  expired: 1,
  notYetValid: 1,
  revoked: 1,
  notYours: 1,
  corporate: 1,
  untrusted: 1,
  unsupported: 1,
  noRandom: 1,
  passwordLocked: 1,
  verificationLocked: 1,
  caRefused: 1,
  notRenewable: 1,
} satisfies Record<SecureFailure, 1>) as SecureFailure[];

/**
 * Why a journey failed: the secure page's own reasons, or one of ours: a service the flow called
 * failed, the customer was not understood (offered a person), their saved step belonged to an
 * older flow, or the flow found nothing to do for them (already holds one, nothing to pick).
 */
const JOURNEY_FAILURES = [...SECURE_FAILURES, 'serviceError', 'misunderstood', 'flowRestarted', 'notEligible'] as const;
export type JourneyFailure = (typeof JOURNEY_FAILURES)[number];

/** Where a customer is: a journey's id (or a root step such as 'menu') and the step in it, both the machines' own state ids. */
export interface FlowPlace {
  readonly journey: string;
  readonly step: string;
}

export type StoreName = 'redis' | 'postgres';
/** timeout: no answer in time; unavailable: no connection (the command not sent, or lost in flight); error: the store refused it. */
export type StoreFailure = 'timeout' | 'unavailable' | 'error';

/** Times a stage of a turn into its histogram, whether the work succeeds or throws. */
export interface StageTimer {
  timeStage<T>(stage: TurnStage, work: () => Promise<T>): Promise<T>;
  timeStageSync<T>(stage: TurnStage, work: () => T): T;
}

export interface Metrics extends StageTimer {
  turnEnded(turn: { readonly channel: string; readonly outcome: TurnOutcomeLabel; readonly seconds: number }): void;
  journeyStarted(place: FlowPlace): void;
  stepReached(place: FlowPlace): void;
  journeyCompleted(place: FlowPlace): void;
  journeyAbandoned(place: FlowPlace): void;
  journeyHandedOff(place: FlowPlace, reason: HandoffReason): void;
  journeyFailed(place: FlowPlace, reason: JourneyFailure): void;
  /** An input the step's question could not use. */
  misunderstood(place: FlowPlace): void;
  /** A conversation queued for a person, from a journey or not. */
  handoffRequested(reason: HandoffReason): void;
  /** An agent took a queued conversation, after it waited this long. */
  handoffTaken(reason: HandoffReason, waitedSeconds: number): void;
  storeFailed(store: StoreName, failure: StoreFailure): void;
  /** A turn's compare-and-set save lost to a concurrent turn: planned again, or given up (the customer is asked to say it again). */
  stateConflict(result: 'retried' | 'gaveUp'): void;
  /** A turn's journey events could not be recorded (the turn went on). */
  journeyRecordingFailed(): void;
}

export interface MetricsOptions {
  /** Read at each scrape: how many conversations wait for a person (the board is shared by every instance). */
  readonly handoffQueueLength?: () => Promise<number>;
  /** Where a failed read of the queue's length is logged. */
  readonly logger?: Logger;
}

/** Fast stages are milliseconds; a step that issues a certificate or waits on a slow store takes seconds. */
const STAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A customer waits for an agent from seconds to an hour. */
const WAIT_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** The app's counters, gauges and histograms, registered in `registry` (the one /metrics serves). */
export function createMetrics(registry: Registry, options: MetricsOptions = {}): Metrics {
  const registers = [registry];
  const turns = new Counter({
    name: 'jca_turns_total',
    help: 'Activities handled, by channel and outcome (duplicate: a channel redelivered one already handled)',
    labelNames: ['channel', 'outcome'] as const,
    registers,
  });
  const turnSeconds = new Histogram({
    name: 'jca_turn_duration_seconds',
    help: 'Time from an activity arriving to its replies sent, by channel',
    labelNames: ['channel'] as const,
    buckets: STAGE_BUCKETS,
    registers,
  });
  const stageSeconds = new Histogram({
    name: 'jca_turn_stage_duration_seconds',
    help: 'Time spent in one stage of a turn (a stage run again after a conflict counts again)',
    labelNames: ['stage'] as const,
    buckets: STAGE_BUCKETS,
    registers,
  });
  const journeyCounter = (name: string, help: string) => new Counter({ name, help, labelNames: ['journey', 'step'] as const, registers });
  const journeyReasonCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['journey', 'step', 'reason'] as const, registers });
  const started = journeyCounter('jca_journeys_started_total', 'Journeys begun, by journey and their first step');
  const reached = journeyCounter('jca_journey_steps_reached_total', 'Steps of a journey reached, by journey and step');
  const completed = journeyCounter('jca_journeys_completed_total', 'Journeys that ended with their result, by journey and last step');
  const abandoned = journeyCounter(
    'jca_journeys_abandoned_total',
    'Journeys the customer left (cancelled, went elsewhere, or idle past the limit), by the step they left',
  );
  const handedOff = journeyReasonCounter('jca_journeys_handed_off_total', 'Journeys handed to a person, by step and reason');
  const failed = journeyReasonCounter('jca_journeys_failed_total', 'Journeys that ended without their result, by step and reason');
  const misunderstood = journeyCounter('jca_misunderstood_inputs_total', 'Inputs a step could not use, by journey and step');
  const handoffs = new Counter({
    name: 'jca_handoffs_total',
    help: 'Conversations queued for a person, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const waited = new Histogram({
    name: 'jca_handoff_wait_seconds',
    help: 'How long a conversation waited in the queue before an agent took it, by reason',
    labelNames: ['reason'] as const,
    buckets: WAIT_BUCKETS,
    registers,
  });
  const storeFailures = new Counter({
    name: 'jca_store_errors_total',
    help: 'Failed calls to a store, by store and kind (timeout, unavailable, error)',
    labelNames: ['store', 'kind'] as const,
    registers,
  });
  const conflicts = new Counter({
    name: 'jca_state_conflicts_total',
    help: 'Turns whose compare-and-set save lost to a concurrent turn: retried, or given up (the customer asked to say it again)',
    labelNames: ['result'] as const,
    registers,
  });
  const recordingFailures = new Counter({
    name: 'jca_journey_recording_errors_total',
    help: 'Turns whose journey events could not be counted or kept (the turn went on)',
    registers,
  });
  const { handoffQueueLength, logger } = options;
  if (handoffQueueLength !== undefined) {
    new Gauge({
      name: 'jca_handoff_queue_length',
      help: 'Conversations waiting for a person (every instance), read at each scrape',
      registers,
      async collect() {
        try {
          this.set(await handoffQueueLength());
        } catch (err) {
          // Unknown rather than a stale number; the scrape itself still succeeds.
          this.set(Number.NaN);
          logger?.warn(
            { err: err instanceof Error ? { name: err.name, message: err.message } : String(err) },
            'handoff queue not measured',
          );
        }
      },
    });
  }
  const at = (place: FlowPlace) => ({ journey: place.journey, step: place.step });
  const timeSince = (start: number, stage: TurnStage) => stageSeconds.observe({ stage }, (performance.now() - start) / 1000);
  return {
    async timeStage(stage, work) {
      const start = performance.now();
      try {
        return await work();
      } finally {
        timeSince(start, stage);
      }
    },
    timeStageSync(stage, work) {
      const start = performance.now();
      try {
        return work();
      } finally {
        timeSince(start, stage);
      }
    },
    turnEnded({ channel, outcome, seconds }) {
      const bounded = oneOf(channel.toLowerCase(), CHANNELS);
      turns.inc({ channel: bounded, outcome: oneOf(outcome, TURN_OUTCOMES) });
      turnSeconds.observe({ channel: bounded }, seconds);
    },
    journeyStarted: (place) => started.inc(at(place)),
    stepReached: (place) => reached.inc(at(place)),
    journeyCompleted: (place) => completed.inc(at(place)),
    journeyAbandoned: (place) => abandoned.inc(at(place)),
    journeyHandedOff: (place, reason) => handedOff.inc({ ...at(place), reason: oneOf(reason, HANDOFF_REASONS) }),
    journeyFailed: (place, reason) => failed.inc({ ...at(place), reason: oneOf(reason, JOURNEY_FAILURES) }),
    misunderstood: (place) => misunderstood.inc(at(place)),
    handoffRequested: (reason) => handoffs.inc({ reason: oneOf(reason, HANDOFF_REASONS) }),
    handoffTaken: (reason, waitedSeconds) => waited.observe({ reason: oneOf(reason, HANDOFF_REASONS) }, Math.max(0, waitedSeconds)),
    storeFailed: (store, kind) => storeFailures.inc({ store, kind }),
    stateConflict: (result) => conflicts.inc({ result }),
    journeyRecordingFailed: () => recordingFailures.inc(),
  };
}

/** Metrics that record nowhere anyone reads: the default where a caller gives none (tests, tools). */
export function unrecordedMetrics(): Metrics {
  return createMetrics(new Registry());
}

/** The value when it is on the list (typed values are checked too: a label is no place to trust a cast). */
function oneOf(value: string, allowed: readonly string[]): string {
  return allowed.includes(value) ? value : 'other';
}
