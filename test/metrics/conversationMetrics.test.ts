import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { AgentDesk } from '../../src/agentDesk/agentDesk';
import { DeskScope } from '../../src/agentDesk/deskScope';
import { MemoryStaffAccessLog } from '../../src/agentDesk/staffAccessLog';
import { createTranslator } from '../../src/i18n/translator';
import { MemoryHandoffAudit } from '../../src/handoff/handoffAudit';
import { MemoryHandoffBoard, queueLength } from '../../src/handoff/handoffBoard';
import { DESK_EVENTS } from '../../src/handoff/handoffEvents';
import type { Metrics } from '../../src/metrics/metrics';
import { MemoryBroadcast } from '../../src/state/broadcast';
import { ConversationStore } from '../../src/state/conversationStore';
import { MemoryStateStorage, StateStorage } from '../../src/state/stateStorage';
import { texts } from '../support/customer';
import { FaultyStorage } from '../support/faultyStorage';
import { CUSTOMER, issueOnPage, verifiedCustomer, verifyWithAdditionalCode } from '../support/journeys';
import { says } from '../support/replyTexts';
import { secretsIn } from '../support/secureE2e';
import { joinedCustomer } from '../support/testBot';
import { FakeJourneyLog, sample, testMetrics } from './metricsSupport';

const ISSUANCE_STEPS = [
  'verifyingIdentity.onSecurePage',
  'authenticatingFurther.onSecurePage',
  'agreeingToTerms',
  'choosingType',
  'creatingCertificate.onSecurePage',
];

test('a completed issuance: its turns by channel and outcome, the journey started, each step reached once, completed, and every stage timed', async () => {
  const { metrics, text } = testMetrics();
  const log = new FakeJourneyLog();
  const { customer } = await joinedCustomer({ metrics, journeyLog: log });
  await verifyWithAdditionalCode(customer, '인증서 발급');
  await customer.say(says('issuance.agree'));
  await customer.say(says('issuance.types.personalBanking'));
  expect(texts((await issueOnPage(customer)).replies)).toContain(says('issuance.advice'));

  const scraped = await text();
  // joining, 인증서 발급, 동의 and the type; the pages' outcomes reach the flow without an activity
  expect(sample(scraped, 'jca_turns_total', { channel: 'test', outcome: 'answered' })).toBe(4);
  expect(sample(scraped, 'jca_turn_duration_seconds_count', { channel: 'test' })).toBe(4);
  expect(sample(scraped, 'jca_journeys_started_total', { journey: 'issuing', step: ISSUANCE_STEPS[0] as string })).toBe(1);
  for (const step of ISSUANCE_STEPS)
    expect({ step, reached: sample(scraped, 'jca_journey_steps_reached_total', { journey: 'issuing', step }) }).toEqual({
      step,
      reached: 1,
    });
  expect(sample(scraped, 'jca_journeys_completed_total', { journey: 'issuing', step: 'creatingCertificate.onSecurePage' })).toBe(1);
  expect(scraped).not.toMatch(/^jca_journeys_(abandoned|failed|handed_off)_total\{/m);
  for (const stage of ['load', 'decode', 'step', 'persist', 'render', 'deliver'])
    expect({ stage, timed: (sample(scraped, 'jca_turn_stage_duration_seconds_count', { stage }) ?? 0) > 0 }).toEqual({
      stage,
      timed: true,
    });

  expect(log.of('issuing')).toEqual([
    `started ${ISSUANCE_STEPS[0]}`,
    ...ISSUANCE_STEPS.map((step) => `reached ${step}`),
    'completed creatingCertificate.onSecurePage',
  ]);
});

describe('handed to an agent', () => {
  const QUEUED_AT = Date.parse('2026-03-02T10:00:00+09:00');

  test('the turn, the journey and the handoff counted by reason; the queue is one long until an agent takes it, and the wait is observed', async () => {
    let now = QUEUED_AT;
    const clock = () => now;
    const storage = new MemoryStateStorage();
    const board = new MemoryHandoffBoard();
    const { metrics, text } = testMetrics({ handoffQueueLength: () => queueLength(board) });
    const { customer } = await joinedCustomer({ metrics, storage, board, clock });
    await verifyWithAdditionalCode(customer, '인증서 발급');
    expect(texts(await customer.say('상담원 연결해 주세요'))[0]).toBe(says('handoff.queued', { position: 1 }));

    const queued = await text();
    expect(sample(queued, 'jca_turns_total', { channel: 'test', outcome: 'handedOff' })).toBe(1);
    expect(sample(queued, 'jca_handoffs_total', { reason: 'customerAsked' })).toBe(1);
    expect(sample(queued, 'jca_journeys_handed_off_total', { journey: 'issuing', step: 'agreeingToTerms', reason: 'customerAsked' })).toBe(
      1,
    );
    expect(sample(queued, 'jca_handoff_queue_length')).toBe(1);

    now += 90_000;
    const [waiting] = await board.list();
    expect((await (await deskOn(storage, board, metrics, clock)).take(waiting?.id ?? '', 'agent-1')).ok).toBe(true);
    const taken = await text();
    expect(sample(taken, 'jca_handoff_queue_length')).toBe(0);
    expect(sample(taken, 'jca_handoff_wait_seconds_count', { reason: 'customerAsked' })).toBe(1);
    expect(sample(taken, 'jca_handoff_wait_seconds_sum', { reason: 'customerAsked' })).toBe(90);
    expect(sample(taken, 'jca_handoff_wait_seconds_bucket', { reason: 'customerAsked', le: '60' })).toBe(0);
    expect(sample(taken, 'jca_handoff_wait_seconds_bucket', { reason: 'customerAsked', le: '120' })).toBe(1);
  });

  test('three answers the menu cannot use: each counted where it was given, then the person offered and accepted', async () => {
    const { metrics, text } = testMetrics();
    const { customer } = await joinedCustomer({ metrics });
    for (const words of ['음', '글쎄', '모르겠어']) await customer.say(words);
    expect(texts(await customer.say('네'))).toContain(says('handoff.queued', { position: 1 }));
    const scraped = await text();
    expect(sample(scraped, 'jca_misunderstood_inputs_total', { journey: 'menu', step: '' })).toBe(3);
    expect(sample(scraped, 'jca_handoffs_total', { reason: 'misunderstood' })).toBe(1);
  });
});

describe('what a turn meets on the way', () => {
  test('a channel redelivering an activity: handled once, the redelivery counted as a duplicate', async () => {
    const { metrics, text } = testMetrics();
    const { customer } = await joinedCustomer({ metrics });
    const id = randomUUID();
    await customer.say('도움말', id);
    expect(await customer.say('도움말', id)).toEqual([]);
    const scraped = await text();
    expect(sample(scraped, 'jca_turns_total', { channel: 'test', outcome: 'duplicate' })).toBe(1);
    expect(sample(scraped, 'jca_turns_total', { channel: 'test', outcome: 'answered' })).toBe(2);
  });

  test('a save that loses its race is retried, and the journey counted once; one that keeps losing is given up; one that fails is a failed turn', async () => {
    const storage = new FaultyStorage();
    const { metrics, text } = testMetrics();
    const log = new FakeJourneyLog();
    const { customer } = await joinedCustomer({ metrics, journeyLog: log, storage });
    storage.loseNextWrite = true;
    await customer.say('인증서 발급');
    expect(log.of('issuing')).toEqual(['started verifyingIdentity.onSecurePage', 'reached verifyingIdentity.onSecurePage']);
    storage.loseEveryWrite = true;
    expect(texts(await customer.say('도움말'))).toEqual([says('system.sayAgain')]);
    storage.loseEveryWrite = false;
    storage.failNextWrite = true;
    await customer.say('도움말');

    const scraped = await text();
    expect(sample(scraped, 'jca_state_conflicts_total', { result: 'retried' })).toBe(2);
    expect(sample(scraped, 'jca_state_conflicts_total', { result: 'gaveUp' })).toBe(1);
    expect(sample(scraped, 'jca_turns_total', { channel: 'test', outcome: 'failed' })).toBe(1);
    expect(log.of('issuing')).toHaveLength(2);
  });
});

test('a customer who types a 주민등록번호 and a phone number, at the menu, in a sentence and at a step, or whose channel is named by one: neither is in /metrics nor in the journey events', async () => {
  const { metrics, text } = testMetrics();
  const log = new FakeJourneyLog();
  const { customer } = await joinedCustomer({ metrics, journeyLog: log });
  await customer.say(CUSTOMER.rrn);
  await customer.say(`제 번호는 ${CUSTOMER.phone}이고 주민번호는 ${CUSTOMER.rrn.replace('-', '')}이에요`);
  await customer.say('인증서 발급');
  await customer.say(CUSTOMER.rrn);
  await customer.say(CUSTOMER.phone);
  await customer.finishStep({ type: 'IDENTITY_VERIFIED', identity: verifiedCustomer(customer) });
  await customer.finishStep({ type: 'ADDITIONAL_VERIFIED' });
  await customer.say(`잘 모르겠어요 ${CUSTOMER.phoneDigits.slice(3)}`);
  await customer.send({ type: 'message', text: '안녕하세요', id: randomUUID(), channelId: CUSTOMER.phone });

  const scraped = await text();
  const personal = {
    rrn: [CUSTOMER.rrn, CUSTOMER.rrn.replace('-', ''), /"[^"]*1234567[^"]*"/],
    phone: [CUSTOMER.phone, CUSTOMER.phoneDigits, /"[^"]*2468[^"]*"/],
  };
  expect(secretsIn(scraped, personal)).toEqual([]);
  expect(secretsIn(JSON.stringify(log.events), personal)).toEqual([]);
  // the scan saw the conversation: its turns, its journey to the terms, a miss there, and the channel as 'other'
  expect(sample(scraped, 'jca_journey_steps_reached_total', { journey: 'issuing', step: 'agreeingToTerms' })).toBe(1);
  expect(sample(scraped, 'jca_misunderstood_inputs_total', { journey: 'issuing', step: 'agreeingToTerms' })).toBe(1);
  expect(sample(scraped, 'jca_turns_total', { channel: 'other', outcome: 'answered' })).toBe(1);
});

/** The agent desk on the bot's state and board, as the app builds it. */
async function deskOn(storage: StateStorage, board: MemoryHandoffBoard, metrics: Metrics, clock: () => number): Promise<AgentDesk> {
  const logger = pino({ level: 'silent' });
  return new AgentDesk({
    store: new ConversationStore(storage, logger),
    board,
    events: new MemoryBroadcast(DESK_EVENTS),
    messenger: { send: async () => undefined },
    translator: await createTranslator(),
    audit: new MemoryHandoffAudit(),
    access: new MemoryStaffAccessLog(),
    scope: new DeskScope(board, []),
    logger,
    clock,
    handBack: async () => undefined,
    metrics,
  });
}
