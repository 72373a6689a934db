import type { FlowEvent } from '../../dialogs/contract/events';
import type { HandoffReason, Reply } from '../../dialogs/contract/replies';
import { MISUNDERSTOOD_LIMIT } from '../../dialogs/flowSetup';
import { JOURNEYS } from '../../dialogs/journeys';
import { rootMachine } from '../../dialogs/rootMachine';
import type { Logger } from '../logging/logger';
import type { JourneyEvent, JourneyEventKind, JourneyEventLog } from './journeyEvents';
import type { FlowPlace, JourneyFailure, Metrics } from './metrics';

/** The flow as kept between turns (the bot's PersistedFlow): only its snapshot's state and miss count are read. */
interface KeptFlow {
  readonly snapshot: Readonly<Record<string, unknown>>;
}

/** One turn of the flow, once the bot saved it. */
export interface FlowTurn {
  /** The flow before the turn (none in a new conversation) and after it. */
  readonly before?: KeptFlow;
  readonly after: KeptFlow;
  /** What the flow was sent. */
  readonly event: FlowEvent;
  /** The conversation had sat idle past the limit, so the journey it was in ended first. */
  readonly idleExpired?: boolean;
  /** What the flow said. */
  readonly replies: readonly Reply[];
  /** The flow asked for a person, and why (as queued). */
  readonly handoff?: HandoffReason;
}

/** A journey event with what only the counters get: why it was handed off or failed. */
export type JourneyMoment =
  | { readonly event: Exclude<JourneyEventKind, 'handedOff' | 'failed'>; readonly place: FlowPlace }
  | { readonly event: 'handedOff'; readonly place: FlowPlace; readonly reason: HandoffReason }
  | { readonly event: 'failed'; readonly place: FlowPlace; readonly reason: JourneyFailure };

export interface JourneyTrackerDependencies {
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Where journey events are kept for the desk's ops view; without one they are only counted. */
  readonly log?: JourneyEventLog;
}

/**
 * Turns a saved turn of the flow into what operators count: the journey it started, the step it
 * reached, how the journey ended; an input the step could not use; a request for a person.
 */
export class JourneyTracker {
  constructor(private readonly deps: JourneyTrackerDependencies) {}

  /**
   * Counts the turn and hands its journey events to the log. Never rejects: a turn neither fails
   * nor waits for its bookkeeping (the bot does not await it). The counters are done before the
   * first await; the promise settles once the log has the events, or failed to take them.
   */
  async track(turn: FlowTurn): Promise<void> {
    try {
      // Both readings of the turn look at the same two places: worked out once.
      const places = placesOf(turn);
      const moments = journeyMoments(turn, places);
      moments.forEach((moment) => this.count(moment));
      const missed = misunderstoodAt(turn, places);
      if (missed !== undefined) this.deps.metrics.misunderstood(missed);
      if (turn.handoff !== undefined) this.deps.metrics.handoffRequested(turn.handoff);
      if (this.deps.log !== undefined && moments.length > 0) await this.deps.log.record(moments.map(eventAt(new Date(turn.event.at))));
    } catch (err) {
      this.deps.metrics.journeyRecordingFailed();
      // By name and message: the events hold no customer, and neither do our errors.
      this.deps.logger.error(
        { err: err instanceof Error ? { name: err.name, message: err.message } : { name: 'NonError' } },
        'journey events not recorded',
      );
    }
  }

  private count(moment: JourneyMoment): void {
    const { metrics } = this.deps;
    switch (moment.event) {
      case 'started':
        return metrics.journeyStarted(moment.place);
      case 'reached':
        return metrics.stepReached(moment.place);
      case 'completed':
        return metrics.journeyCompleted(moment.place);
      case 'abandoned':
        return metrics.journeyAbandoned(moment.place);
      case 'handedOff':
        return metrics.journeyHandedOff(moment.place, moment.reason);
      case 'failed':
        return metrics.journeyFailed(moment.place, moment.reason);
    }
  }
}

const eventAt =
  (at: Date) =>
  (moment: JourneyMoment): JourneyEvent => ({ at, journey: moment.place.journey, event: moment.event, step: moment.place.step });

/**
 * The journey events of one turn, from the flow's state before and after it. Only where turns end
 * is seen: a journey begun and ended within one turn (nothing to pick, for a customer the bank's
 * app vouched for) is not, nor one left and begun again by its own start.
 */
export function journeyMoments(turn: FlowTurn, { before, after }: TurnPlaces = placesOf(turn)): JourneyMoment[] {
  const moments: JourneyMoment[] = [];
  const stayed = before?.inJourney === true && after.place.journey === before.place.journey;
  if (before?.inJourney === true && !stayed) moments.push(endingOf(turn, before.place, after.place));
  if (!after.inJourney) return moments;
  if (!stayed) moments.push({ event: 'started', place: after.place });
  if (!stayed || before?.place.step !== after.place.step) moments.push({ event: 'reached', place: after.place });
  if (turn.handoff !== undefined) moments.push({ event: 'handedOff', place: after.place, reason: turn.handoff });
  return moments;
}

/** Where a step could not use the turn's input: its count of misses grew, or reached the limit (a person is offered). */
export function misunderstoodAt(turn: FlowTurn, { before, after }: TurnPlaces = placesOf(turn)): FlowPlace | undefined {
  if (after.misses > (before?.misses ?? 0)) return after.place;
  const limitReached =
    before !== undefined &&
    after.place.journey === OFFERING_AGENT &&
    before.place.journey !== OFFERING_AGENT &&
    before.misses + 1 >= MISUNDERSTOOD_LIMIT;
  return limitReached ? before.place : undefined;
}

/** Where the flow offers a person after MISUNDERSTOOD_LIMIT misses in a row (dialogs/flowSetup.ts, askAgain). */
const OFFERING_AGENT = 'offeringAgent';

/** Results a journey ends on: the page's, or the customer's yes to its last act (releasing a certificate). */
const RESULTS: ReadonlySet<FlowEvent['type']> = new Set(['CERTIFICATE_ISSUED', 'CERTIFICATE_REGISTERED', 'YES']);

/** The customer's ways out of a journey: a command, another journey, or no to its question. */
const WAYS_OUT: ReadonlySet<FlowEvent['type']> = new Set([
  'CANCEL',
  'RESTART',
  'HELP',
  'WHAT_IS',
  'LANGUAGE',
  'ISSUE',
  'REGISTER',
  'REISSUE',
  'JOURNEY',
  'NO',
]);

/** How a journey the turn left ended, at the step it was left from. */
function endingOf(turn: FlowTurn, from: FlowPlace, to: FlowPlace): JourneyMoment {
  const said = (key: string): boolean => turn.replies.some((reply) => reply.key === key);
  const failed = (reason: JourneyFailure): JourneyMoment => ({ event: 'failed', place: from, reason });
  if (said('system.flowRestarted')) return failed('flowRestarted');
  if (turn.idleExpired === true) return { event: 'abandoned', place: from };
  if (turn.event.type === 'SECURE_FAILED') return failed(turn.event.reason);
  // The flow's apology when a service it called failed (flowSetup's 'apologize').
  if (said('system.stepFailed')) return failed('serviceError');
  if (to.journey === OFFERING_AGENT) return failed('misunderstood');
  if (RESULTS.has(turn.event.type)) return { event: 'completed', place: from };
  if (WAYS_OUT.has(turn.event.type)) return { event: 'abandoned', place: from };
  // The flow ended it on an answer or a page's step: it found nothing to do (already holds one, nothing to pick).
  return failed('notEligible');
}

/** Every state of the root machine by its path ('issuing.verifyingIdentity.onSecurePage'): the only steps a label may name. */
const KNOWN_STATES: ReadonlySet<string> = new Set(statePaths(rootMachine.root));
const JOURNEY_IDS: ReadonlySet<string> = new Set(JOURNEYS.map((journey) => journey.id));

interface FlowAt {
  readonly place: FlowPlace;
  readonly inJourney: boolean;
  /** Misunderstood inputs in a row, as the flow counts them. */
  readonly misses: number;
}

/** Where the flow was before the turn (none in a new conversation) and after it. */
interface TurnPlaces {
  readonly before: FlowAt | undefined;
  readonly after: FlowAt;
}

function placesOf(turn: FlowTurn): TurnPlaces {
  return { before: whereIs(turn.before), after: whereIs(turn.after) };
}

function whereIs(flow: KeptFlow): FlowAt;
function whereIs(flow: KeptFlow | undefined): FlowAt | undefined;
function whereIs(flow: KeptFlow | undefined): FlowAt | undefined {
  if (flow === undefined) return undefined;
  const path = pathOf(flow.snapshot.value);
  // A snapshot this machine does not know (an older version's) names no step.
  const [journey = 'unknown', ...step] = KNOWN_STATES.has(path.join('.')) ? path : [];
  const misses = (flow.snapshot.context as { misunderstood?: unknown } | undefined)?.misunderstood;
  return { place: { journey, step: step.join('.') }, inJourney: JOURNEY_IDS.has(journey), misses: typeof misses === 'number' ? misses : 0 };
}

/** `{ issuing: { verifyingIdentity: 'onSecurePage' } }` → issuing, verifyingIdentity, onSecurePage (our machines have no parallel states). */
function pathOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.entries(value);
  const [key, child] = entries.length === 1 ? (entries[0] ?? []) : [];
  return key === undefined ? [] : [key, ...pathOf(child)];
}

function statePaths(node: { readonly path: readonly string[]; readonly states: Readonly<Record<string, unknown>> }): string[] {
  return Object.values(node.states).flatMap((child) => {
    const state = child as typeof node;
    return [state.path.join('.'), ...statePaths(state)];
  });
}
