import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { agentsConfig, DeskClient, DeskEventStream } from '../support/deskClient';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startInstances } from '../support/httpBot';
import { deleteKeysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

// Finding 8: a signed-out agent's open stream kept delivering customers' messages, every agent
// received every event, and any agent could read a conversation another agent held.

const REDIS_URL = SHARED_REDIS_URL;
const prefix = `jca-test-desk-scope-${randomUUID()}:`;
const admin = new Redis(REDIS_URL);
let one: RunningBot;
let two: RunningBot;
const customers: HttpCustomer[] = [];
const streams: DeskEventStream[] = [];

beforeAll(async () => {
  ({ one, two } = await startInstances({
    REDIS_URL,
    STATE_KEY_PREFIX: prefix,
    AGENTS: await agentsConfig(['kim', 'lee', 'boss']),
    SUPERVISORS: 'boss',
  }));
});

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await Promise.all(customers.splice(0).map((customer) => customer.close()));
});

afterAll(async () => {
  await one.app.close();
  await two.app.close();
  await deleteKeysMatching(admin, `${prefix}*`);
  admin.disconnect();
});

const signIn = (bot: RunningBot, id: string) => DeskClient.signIn(bot.url, id, `${id}-password-123`);

async function listen(agent: DeskClient): Promise<DeskEventStream> {
  const stream = await agent.openEvents();
  streams.push(stream);
  return stream;
}

/** A customer on instance one who asked for an agent; their conversation's desk id. */
async function queuedCustomer(agent: DeskClient): Promise<{ customer: HttpCustomer; id: string }> {
  const customer = await HttpCustomer.start();
  customers.push(customer);
  const before = new Set(((await agent.call('GET', '/queue')).body.waiting as { id: string }[]).map((s) => s.id));
  await customer.say(one.url, '재발급');
  expect((await customer.say(one.url, '상담원'))[0]).toContain('대기 순서는');
  const waiting = (await agent.call('GET', '/queue')).body.waiting as { id: string }[];
  const id = waiting.map((s) => s.id).find((candidate) => !before.has(candidate));
  if (id === undefined) throw new Error('the customer is not in the queue');
  return { customer, id };
}

/** The events up to the first that matches `until`, in order. */
async function eventsUntil(stream: DeskEventStream, until: (event: any) => boolean): Promise<any[]> {
  const seen: any[] = [];
  for (;;) {
    const event = await stream.next();
    seen.push(event);
    if (until(event)) return seen;
  }
}

const messageOf = (id: string, text: string) => (event: any) => event.type === 'message' && event.id === id && event.entry?.text === text;

/** 'ended' once the server ends the stream; 'still open' after a generous wait. */
function endOf(stream: DeskEventStream): Promise<'ended' | 'still open'> {
  return Promise.race([
    stream.ended.then(() => 'ended' as const),
    new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 5_000)),
  ]);
}

test("a held conversation's events reach its holder and supervisors, not other agents; only they may view it", async () => {
  const kim = await signIn(two, 'kim');
  const lee = await signIn(one, 'lee');
  const boss = await signIn(one, 'boss');
  const { customer, id } = await queuedCustomer(kim);
  const [kimHears, leeHears, bossHears] = await Promise.all([listen(kim), listen(lee), listen(boss)]);

  // Queued: everyone may look at it.
  expect((await lee.call('GET', `/conversations/${id}`)).status).toBe(200);
  expect((await kim.call('POST', `/conversations/${id}/take`)).status).toBe(200);
  await customer.say(one.url, '인증서 비밀번호를 잊어버렸어요');
  await eventsUntil(kimHears, messageOf(id, '인증서 비밀번호를 잊어버렸어요'));
  await eventsUntil(bossHears, messageOf(id, '인증서 비밀번호를 잊어버렸어요'));
  // A message of a queued conversation is news for everyone; published after the one above, it reaches lee after it.
  const other = await queuedCustomer(boss);
  await other.customer.say(one.url, '아직 기다리고 있어요');
  await eventsUntil(leeHears, messageOf(other.id, '아직 기다리고 있어요'));
  expect(leeHears.received.filter((event) => event.id === id)).toEqual([]);

  expect(await lee.call('GET', `/conversations/${id}`)).toEqual({ status: 403, body: { error: 'notYours' } });
  const leesQueue = (await lee.call('GET', '/queue')).body;
  expect(leesQueue.others).toBeUndefined();
  expect([...leesQueue.waiting, ...leesQueue.mine].map((s: any) => s.id)).not.toContain(id);
  expect((await kim.call('GET', `/conversations/${id}`)).status).toBe(200);
  const bossView = await boss.call('GET', `/conversations/${id}`);
  expect(bossView.status).toBe(200);
  expect(bossView.body.conversation.transcript.map((line: any) => line.text)).toContain('인증서 비밀번호를 잊어버렸어요');
  expect((await boss.call('GET', '/queue')).body.others).toEqual([expect.objectContaining({ id, agentId: 'kim' })]);

  // Transferred to lee: now lee hears it and kim does not.
  expect((await kim.call('POST', `/conversations/${id}/transfer`, { to: 'lee', note: '' })).status).toBe(200);
  await eventsUntil(leeHears, (event) => event.type === 'transferred' && event.id === id);
  await customer.say(one.url, '다시 발급하고 싶어요');
  await eventsUntil(leeHears, messageOf(id, '다시 발급하고 싶어요'));
  await eventsUntil(bossHears, messageOf(id, '다시 발급하고 싶어요'));
  await other.customer.say(one.url, '언제 연결되나요?');
  await eventsUntil(kimHears, messageOf(other.id, '언제 연결되나요?'));
  expect((await kim.call('GET', `/conversations/${id}`)).status).toBe(403);
  expect(kimHears.received.filter(messageOf(id, '다시 발급하고 싶어요'))).toEqual([]);
  expect((await lee.call('POST', `/conversations/${id}/end`, { mode: 'close' })).status).toBe(200);
});

test("signing out ends that session's open streams at once, on every instance; the agent's other sessions stay", async () => {
  const kim = await signIn(two, 'kim');
  const kimElsewhere = await signIn(one, 'kim');
  const { customer, id } = await queuedCustomer(kim);
  expect((await kim.call('POST', `/conversations/${id}/take`)).status).toBe(200);
  const [onTwo, onOne] = await Promise.all([listen(kim), listen(kimElsewhere)]);

  expect((await kim.call('DELETE', '/session')).status).toBe(204);
  expect(await endOf(onTwo)).toBe('ended');
  await customer.say(one.url, '제 전화번호는 바뀌었어요');
  // kim's other session (another browser) still hears the conversation; the ended stream carried nothing.
  await eventsUntil(onOne, messageOf(id, '제 전화번호는 바뀌었어요'));
  expect(onTwo.received.filter((event) => event.type === 'message')).toEqual([]);
  await kimElsewhere.call('POST', `/conversations/${id}/end`, { mode: 'close' });
});

test('when the session expires the stream ends before it carries another message', async () => {
  const kim = await signIn(one, 'kim');
  const boss = await signIn(two, 'boss');
  const { customer, id } = await queuedCustomer(kim);
  expect((await kim.call('POST', `/conversations/${id}/take`)).status).toBe(200);
  const kimHears = await listen(kim);
  const bossHears = await listen(boss);

  // The session's lifetime runs out in the store (its key's TTL), as AGENT_SESSION_MINUTES after sign-in.
  const key = `${prefix}agent-session:${createHash('sha256').update(kim.token).digest('hex')}`;
  expect(await admin.pexpire(key, 1)).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await customer.say(one.url, '제 주소가 바뀌었어요');
  await eventsUntil(bossHears, messageOf(id, '제 주소가 바뀌었어요'));
  expect(await endOf(kimHears)).toBe('ended');
  expect(kimHears.received.filter((event) => event.type === 'message')).toEqual([]);
  await boss.call('GET', '/queue');
});
