import type { FlowEvent, ProtectedInput, RecognizedInput, SystemInput } from '../../dialogs/contract/events';
import type { SecureInput } from '../../dialogs/contract/secure';
import type { Reply } from '../../dialogs/contract/replies';
import { FlowTurn, JourneyTracker, journeyMoments, misunderstoodAt } from '../../src/metrics/journeyTracker';
import type { JourneyEventLog } from '../../src/metrics/journeyEvents';
import { capturingLogger } from '../support/testBot';
import { FakeJourneyLog, sample, testMetrics } from './metricsSupport';

const AT = Date.parse('2026-03-02T10:00:00+09:00');

/** The flow kept at a state value, with its count of misses in a row. */
const at = (value: unknown, misunderstood = 0) => ({ snapshot: { status: 'active', value, context: { misunderstood } } });

const MENU = at('menu');
const IDENTITY_PAGE = at({ issuing: { verifyingIdentity: 'onSecurePage' } });
const TERMS = at({ issuing: 'agreeingToTerms' });
const CHOOSING_TYPE = at({ issuing: 'choosingType' });
const ISSUANCE_PAGE = at({ issuing: { creatingCertificate: 'onSecurePage' } });

/** What the flow is sent, before the bot stamps it with the turn's time. */
type Sent = RecognizedInput | ProtectedInput | SystemInput | SecureInput;

function turn(before: FlowTurn['before'], after: FlowTurn['after'], event: Sent, more: Partial<FlowTurn> = {}): FlowTurn {
  const stamped: FlowEvent = { ...event, at: AT };
  return { before, after, event: stamped, replies: [], ...more };
}

/** The moments as "event journey step (reason)" lines. */
const described = (t: FlowTurn): string[] =>
  journeyMoments(t).map((m) => [m.event, m.place.journey, m.place.step, 'reason' in m ? `(${m.reason})` : ''].join(' ').trim());

describe('journey events from the flow before and after a turn', () => {
  test('entering a journey starts it and reaches its first step; the next step is reached; staying at a step is nothing', () => {
    expect(described(turn(MENU, IDENTITY_PAGE, { type: 'ISSUE' }))).toEqual([
      'started issuing verifyingIdentity.onSecurePage',
      'reached issuing verifyingIdentity.onSecurePage',
    ]);
    expect(described(turn(undefined, IDENTITY_PAGE, { type: 'ISSUE' }))).toEqual([
      'started issuing verifyingIdentity.onSecurePage',
      'reached issuing verifyingIdentity.onSecurePage',
    ]);
    expect(described(turn(TERMS, CHOOSING_TYPE, { type: 'YES' }))).toEqual(['reached issuing choosingType']);
    expect(described(turn(TERMS, at({ issuing: 'agreeingToTerms' }, 1), { type: 'TEXT', text: '글쎄요' }))).toEqual([]);
    expect(described(turn(MENU, MENU, { type: 'HELP' }))).toEqual([]);
  });

  test('the page issuing the certificate completes the journey, at the step it was on', () => {
    const issued = {
      serialNumber: '0a1b2c',
      notBefore: '2026-03-02',
      notAfter: '2027-03-02',
      ca: 'yessign',
      type: 'personalBanking',
      maskedName: '홍*동',
    } as const;
    expect(described(turn(ISSUANCE_PAGE, MENU, { type: 'CERTIFICATE_ISSUED', issued }))).toEqual([
      'completed issuing creatingCertificate.onSecurePage',
    ]);
  });

  test('releasing a certificate the customer confirmed completes it; a no to the last question abandons it', () => {
    const confirming = at({ registering: { managing: 'confirming' } });
    expect(described(turn(confirming, MENU, { type: 'YES' }))).toEqual(['completed registering managing.confirming']);
    expect(described(turn(confirming, MENU, { type: 'NO' }))).toEqual(['abandoned registering managing.confirming']);
  });

  test('취소, another journey, or a journey gone idle: abandoned at the step it was left', () => {
    expect(described(turn(TERMS, MENU, { type: 'CANCEL' }))).toEqual(['abandoned issuing agreeingToTerms']);
    expect(described(turn(TERMS, at({ reissuing: { verifyingIdentity: 'onSecurePage' } }), { type: 'REISSUE', text: '재발급' }))).toEqual([
      'abandoned issuing agreeingToTerms',
      'started reissuing verifyingIdentity.onSecurePage',
      'reached reissuing verifyingIdentity.onSecurePage',
    ]);
    // idle past the limit, the journey ends before the customer's answer is read
    expect(described(turn(CHOOSING_TYPE, MENU, { type: 'CHOICE', choice: '1' }, { idleExpired: true }))).toEqual([
      'abandoned issuing choosingType',
    ]);
  });

  test('failures carry their typed reason: the page, a service, misunderstandings, an older flow, nothing to do', () => {
    const lockout = turn(IDENTITY_PAGE, at('offeringAgentAfterLockout'), {
      type: 'SECURE_FAILED',
      step: 'identity',
      reason: 'verificationLocked',
    });
    expect(described(lockout)).toEqual(['failed issuing verifyingIdentity.onSecurePage (verificationLocked)']);
    const apology: Reply = { key: 'system.stepFailed', choices: ['menu.choices.agent'] };
    expect(
      described(turn(CHOOSING_TYPE, MENU, { type: 'CHOICE', choice: 'issuance.types.personalBanking' }, { replies: [apology] })),
    ).toEqual(['failed issuing choosingType (serviceError)']);
    expect(described(turn(at({ issuing: 'choosingType' }, 2), at('offeringAgent'), { type: 'TEXT', text: '몰라요' }))).toEqual([
      'failed issuing choosingType (misunderstood)',
    ]);
    expect(described(turn(TERMS, MENU, { type: 'TEXT', text: '네?' }, { replies: [{ key: 'system.flowRestarted' }] }))).toEqual([
      'failed issuing agreeingToTerms (flowRestarted)',
    ]);
    // a valid certificate of that type already held: back at the menu, told so
    expect(described(turn(CHOOSING_TYPE, MENU, { type: 'CHOICE', choice: 'issuance.types.personalBanking' }))).toEqual([
      'failed issuing choosingType (notEligible)',
    ]);
  });

  test('a person asked for at a step: handed off there, the journey kept', () => {
    expect(described(turn(TERMS, TERMS, { type: 'AGENT' }, { handoff: 'customerAsked' }))).toEqual([
      'handedOff issuing agreeingToTerms (customerAsked)',
    ]);
    // from the menu there is no journey to hand off
    expect(described(turn(MENU, MENU, { type: 'AGENT' }, { handoff: 'customerAsked' }))).toEqual([]);
  });

  test('a state this machine does not know (an older flow) names no journey and no step', () => {
    const old = at({ issuing: { askingPhone: '010-2468-1357' } });
    expect(described(turn(old, MENU, { type: 'TEXT', text: '안녕' }))).toEqual([]);
    expect(described(turn(MENU, old, { type: 'ISSUE' }))).toEqual([]);
  });
});

describe('misunderstood inputs', () => {
  test('counted at the step whose question the input did not answer, the last of them too (when a person is offered)', () => {
    expect(misunderstoodAt(turn(TERMS, at({ issuing: 'agreeingToTerms' }, 1), { type: 'TEXT', text: '글쎄요' }))).toEqual({
      journey: 'issuing',
      step: 'agreeingToTerms',
    });
    expect(misunderstoodAt(turn(at({ issuing: 'agreeingToTerms' }, 2), at('offeringAgent'), { type: 'TEXT', text: '몰라요' }))).toEqual({
      journey: 'issuing',
      step: 'agreeingToTerms',
    });
    expect(misunderstoodAt(turn(at('menu', 1), at('menu', 2), { type: 'TEXT', text: '음' }))).toEqual({ journey: 'menu', step: '' });
  });

  test('an answer the step takes, or a first miss forgotten on a new step, is not one', () => {
    expect(misunderstoodAt(turn(at({ issuing: 'agreeingToTerms' }, 1), CHOOSING_TYPE, { type: 'YES' }))).toBeUndefined();
    expect(misunderstoodAt(turn(MENU, IDENTITY_PAGE, { type: 'ISSUE' }))).toBeUndefined();
    // declining the offer of a person is an answer, not a miss
    expect(misunderstoodAt(turn(at('offeringAgent'), MENU, { type: 'NO' }))).toBeUndefined();
  });
});

describe('the tracker', () => {
  test('counts every event, with reasons as labels, and hands the events (without reasons) to the log', async () => {
    const { metrics, text } = testMetrics();
    const log = new FakeJourneyLog();
    const tracker = new JourneyTracker({ metrics, logger: capturingLogger().logger, log });
    await tracker.track(turn(MENU, IDENTITY_PAGE, { type: 'ISSUE' }));
    await tracker.track(turn(IDENTITY_PAGE, IDENTITY_PAGE, { type: 'AGENT' }, { handoff: 'customerAsked' }));
    await tracker.track(
      turn(IDENTITY_PAGE, at('offeringAgentAfterLockout'), { type: 'SECURE_FAILED', step: 'identity', reason: 'verificationLocked' }),
    );

    expect(log.events).toEqual([
      { at: new Date(AT), journey: 'issuing', event: 'started', step: 'verifyingIdentity.onSecurePage' },
      { at: new Date(AT), journey: 'issuing', event: 'reached', step: 'verifyingIdentity.onSecurePage' },
      { at: new Date(AT), journey: 'issuing', event: 'handedOff', step: 'verifyingIdentity.onSecurePage' },
      { at: new Date(AT), journey: 'issuing', event: 'failed', step: 'verifyingIdentity.onSecurePage' },
    ]);
    const scraped = await text();
    const step = { journey: 'issuing', step: 'verifyingIdentity.onSecurePage' };
    expect(sample(scraped, 'jca_journeys_started_total', step)).toBe(1);
    expect(sample(scraped, 'jca_journey_steps_reached_total', step)).toBe(1);
    expect(sample(scraped, 'jca_journeys_handed_off_total', { ...step, reason: 'customerAsked' })).toBe(1);
    expect(sample(scraped, 'jca_handoffs_total', { reason: 'customerAsked' })).toBe(1);
    expect(sample(scraped, 'jca_journeys_failed_total', { ...step, reason: 'verificationLocked' })).toBe(1);
  });

  test.each<[string, JourneyEventLog['record']]>([
    ['rejects', async () => Promise.reject(new Error('connection terminated'))],
    [
      'throws at once',
      () => {
        throw new Error('pool is closed');
      },
    ],
  ])('a log that %s fails no turn: the counters still count, the failure is counted and logged', async (_how, record) => {
    const { metrics, text } = testMetrics();
    const { logger, lines } = capturingLogger();
    const tracker = new JourneyTracker({ metrics, logger, log: { record, counts: async () => [] } });
    await expect(tracker.track(turn(MENU, IDENTITY_PAGE, { type: 'ISSUE' }))).resolves.toBeUndefined();
    const scraped = await text();
    expect(sample(scraped, 'jca_journeys_started_total', { journey: 'issuing', step: 'verifyingIdentity.onSecurePage' })).toBe(1);
    expect(sample(scraped, 'jca_journey_recording_errors_total')).toBe(1);
    expect(lines.map((line) => JSON.parse(line) as { msg: string; level: number })).toEqual([
      expect.objectContaining({ msg: 'journey events not recorded', level: 50 }),
    ]);
  });
});
