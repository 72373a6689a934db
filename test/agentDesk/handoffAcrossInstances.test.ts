import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { CUSTOMER } from '../support/journeys';
import { freshRrn, HttpJourney, onInstance, promptOf } from '../support/httpJourneys';
import { agentsConfig, DeskClient } from '../support/deskClient';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startHttpBot, startInstances } from '../support/httpBot';
import { deleteKeysMatching } from '../support/redisCleanup';
import { connectPostgres, type Database } from '../../src/records/database';
import { SqlHandoffAudit } from '../../src/records/sqlAuditLog';
import { SHARED_REDIS_URL } from '../support/sharedRedis';
import { fileDatabaseUrl } from '../support/testDatabase';

const REDIS_URL = SHARED_REDIS_URL;
const prefix = `jca-test-handoff-${randomUUID()}:`;
let env: Record<string, string>;
let one: RunningBot;
let two: RunningBot;
let customer: HttpCustomer;
const admin = new Redis(REDIS_URL);
/** The records the instances share (startHttpBot gives them the test file's database). */
let records: Database;

beforeAll(async () => {
  ({ env, one, two } = await startInstances({ REDIS_URL, STATE_KEY_PREFIX: prefix, AGENTS: await agentsConfig(['kim', 'lee']) }));
  records = connectPostgres(await fileDatabaseUrl(), { asBot: true });
});

afterAll(async () => {
  await one.app.close();
  await two.app.close();
  await records.close();
  await deleteKeysMatching(admin, `${prefix}*`);
  admin.disconnect();
});

beforeEach(async () => {
  customer = await HttpCustomer.start();
});

afterEach(async () => {
  await customer.close();
});

const signIn = (bot: RunningBot, id: string) => DeskClient.signIn(bot.url, id, `${id}-password-123`);

/** The next message the bot sends by itself (an agent's, or the flow's after a hand-back). */
async function nextProactive(): Promise<string> {
  return (await customer.heard(() => true)).at(-1) as string;
}

test('queued on instance 1, taken and answered from instance 2, transferred, handed back: the flow resumes at its step', async () => {
  // 본인 인증 and 추가 인증 on their pages, through instance 1.
  const terms = await new HttpJourney(customer, onInstance(one.url)).verify('인증서 발급', freshRrn(), 'issuance.terms');
  expect(terms.join('\n')).toContain('약관에 동의하시나요?');
  expect((await customer.say(one.url, '상담원 연결해 주세요'))[0]).toContain('대기 순서는 1번째예요');

  const kim = await signIn(two, 'kim');
  const queue = await kim.call('GET', '/queue');
  const waiting = queue.body.waiting.find((s: any) => s.journey === 'issuing');
  expect(waiting).toMatchObject({
    status: 'queued',
    reason: 'customerAsked',
    journey: 'issuing',
    step: 'agreeingToTerms',
    maskedName: '홍*동',
    language: 'ko',
  });

  const taken = await kim.call('POST', `/conversations/${waiting.id}/take`);
  expect(taken.status).toBe(200);
  const transcript = taken.body.conversation.transcript.map((l: any) => l.text).join('\n');
  expect(transcript).toContain('인증서 발급');
  expect(transcript).toContain(promptOf('secureStep.open.identity'));
  expect(await nextProactive()).toContain('상담원이 연결되었어요');
  // a second agent cannot take it again
  const lee = await signIn(one, 'lee');
  expect((await lee.call('POST', `/conversations/${waiting.id}/take`)).body).toEqual({ error: 'alreadyTaken' });

  await kim.call('POST', `/conversations/${waiting.id}/messages`, { text: '안녕하세요, 상담원 김민지입니다.' });
  expect(await nextProactive()).toBe('[상담원] 안녕하세요, 상담원 김민지입니다.');

  // the customer writes to instance 1; the agent's page on instance 2 hears it live (Redis pub/sub)
  const [event] = await kim.events(1, async () => {
    expect(await customer.say(one.url, '약관이 뭔지 잘 모르겠어요')).toEqual([]);
  });
  expect(event).toMatchObject({ type: 'message', id: waiting.id, entry: { from: 'customer', text: '약관이 뭔지 잘 모르겠어요' } });

  expect((await kim.call('POST', `/conversations/${waiting.id}/transfer`, { to: 'lee', note: '약관 설명 필요' })).status).toBe(200);
  expect(await nextProactive()).toContain('상담원에게 연결해 드렸어요');
  const leesQueue = await lee.call('GET', '/queue');
  expect(leesQueue.body.mine).toEqual([
    expect.objectContaining({ id: waiting.id, agentId: 'lee', notes: [expect.objectContaining({ from: 'kim', text: '약관 설명 필요' })] }),
  ]);
  expect((await kim.call('POST', `/conversations/${waiting.id}/messages`, { text: 'still mine?' })).body).toEqual({ error: 'notYours' });

  expect((await lee.call('POST', `/conversations/${waiting.id}/end`, { mode: 'resume' })).status).toBe(200);
  expect(await nextProactive()).toContain('하시던 단계부터 이어서');
  expect(await nextProactive()).toContain('약관에 동의하시나요?');
  // the flow takes the next message, on either instance, at the saved step
  const types = await customer.say(two.url, '동의합니다');
  expect(types[0]).toContain('어떤 인증서를 발급할까요?');
  expect((await kim.call('GET', '/queue')).body.waiting.filter((s: any) => s.id === waiting.id)).toEqual([]);

  const audit = (await new SqlHandoffAudit(records).recent(100)).reverse();
  expect(audit.filter((a) => a.conversation === waiting.id).map((a) => [a.action, a.agentId, a.to ?? a.mode])).toEqual([
    ['take', 'kim', undefined],
    ['reply', 'kim', undefined],
    ['transfer', 'kim', 'lee'],
    ['end', 'lee', 'resume'],
  ]);
  // That the agent wrote is audited, not what: the words stay in the transcript.
  expect(JSON.stringify(audit)).not.toContain('상담원 김민지');
  // Every opening of the transcript is logged, who and why, before it was shown, and chained in the audit.
  const opened = await records.query<{ staff_id: string; what: string; why: string }>(
    'SELECT staff_id, what, why FROM staff_access WHERE conversation_id = $1 ORDER BY id',
    [waiting.id],
  );
  expect(opened).toEqual(expect.arrayContaining([{ staff_id: 'kim', what: 'transcript', why: 'assigned' }]));
  expect(opened.length).toBeGreaterThan(0);
  const viewsAudited = await records.query(
    "SELECT 1 FROM audit_log WHERE category = 'staffAccess' AND action = 'view' AND conversation_id = $1",
    [waiting.id],
  );
  expect(viewsAudited).toHaveLength(opened.length);
});

test('취소 while queued leaves the queue and resumes; while with an agent, the agent sees the customer left', async () => {
  await customer.say(one.url, '재발급');
  expect((await customer.say(one.url, '상담원'))[0]).toContain('대기 순서는');
  const cancelled = await customer.say(two.url, '취소');
  expect(cancelled[0]).toContain('챗봇으로 돌아왔어요');
  expect(cancelled.at(-1)).toContain(promptOf('secureStep.open.identity'));
  const kim = await signIn(two, 'kim');
  const board = async () => (await kim.call('GET', '/queue')).body;
  expect((await board()).waiting.filter((s: any) => s.journey === 'reissuing')).toEqual([]);

  await customer.say(one.url, '상담원');
  const waiting = (await board()).waiting.find((s: any) => s.journey === 'reissuing');
  await kim.call('POST', `/conversations/${waiting.id}/take`);
  await customer.say(one.url, '취소');
  expect((await board()).mine).toEqual([expect.objectContaining({ id: waiting.id, customerLeft: true })]);
  expect((await kim.call('POST', `/conversations/${waiting.id}/end`, { mode: 'resume' })).status).toBe(200);
  expect((await board()).mine).toEqual([]);
});

test('outside service hours the customer is told when agents are available and stays at the step', async () => {
  const seoulDay = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Seoul', weekday: 'short' }).format(new Date());
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const closedDay = days[(days.indexOf(seoulDay) + 3) % 7];
  const closed = await startHttpBot({ ...env, AGENT_HOURS: `${closedDay}-${closedDay} 09:00-18:00` });
  try {
    await customer.say(closed.url, '인증서 발급');
    const replies = await customer.say(closed.url, '상담원');
    expect(replies[0]).toContain(`상담 가능 시간: ${closedDay}-${closedDay} 09:00-18:00`);
    expect(replies.at(-1)).toContain(promptOf('secureStep.open.identity'));
    expect((await customer.say(closed.url, CUSTOMER.name))[0]).toContain(promptOf('secureStep.stillOnPage'));
  } finally {
    await closed.app.close();
  }
});
