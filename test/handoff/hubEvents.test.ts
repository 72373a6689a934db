import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { CUSTOMER } from '../support/journeys';
import { agentsConfig, DeskClient } from '../support/deskClient';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startInstances } from '../support/httpBot';
import { eventually, HttpJourney, onInstance, promptOf } from '../support/httpJourneys';
import { deleteKeysMatching } from '../support/redisCleanup';
import { connectPostgres, type Database } from '../../src/records/database';
import { SqlHandoffAudit } from '../../src/records/sqlAuditLog';
import { DirectLineTestClient, textOf } from '../directLine/directLineClient';
import { SHARED_REDIS_URL } from '../support/sharedRedis';
import { fileDatabaseUrl } from '../support/testDatabase';

/** An external handoff hub (Omnichannel, LivePerson …) speaks on its own channel; customers on theirs. */
const HUB = 'omnichannel';
const REDIS_URL = SHARED_REDIS_URL;
const prefix = `jca-test-hub-${randomUUID()}:`;
let one: RunningBot;
let two: RunningBot;
const admin = new Redis(REDIS_URL);
/** The records the instances share (startHttpBot gives them the test file's database). */
let records: Database;
const customers: HttpCustomer[] = [];

beforeAll(async () => {
  ({ one, two } = await startInstances({ REDIS_URL, STATE_KEY_PREFIX: prefix, AGENTS: await agentsConfig(['kim']), HUB_CHANNELS: HUB }));
  records = connectPostgres(await fileDatabaseUrl(), { asBot: true });
});

afterAll(async () => {
  await one.app.close();
  await two.app.close();
  await records.close();
  await deleteKeysMatching(admin, `${prefix}*`);
  admin.disconnect();
});

afterEach(async () => {
  await Promise.all(customers.splice(0).map((c) => c.close()));
});

async function customerOn(channelId: string): Promise<HttpCustomer> {
  const customer = await HttpCustomer.start(channelId);
  customers.push(customer);
  return customer;
}

const signIn = (bot: RunningBot) => DeskClient.signIn(bot.url, 'kim', 'kim-password-123');
const hubAudit = async (channel: string) =>
  (await new SqlHandoffAudit(records).recent(100)).filter((a) => a.action === 'hubStatus' && a.channel === channel);

test('no secret typed into the chat anyway, nor any shown on the secure pages, reaches the handoff.initiate transcript or the agent', async () => {
  const customer = await customerOn(HUB);
  const journey = new HttpJourney(customer, onInstance(one.url));
  await journey.untilIssuancePage(CUSTOMER.rrn);
  const password = 'Gildong#2026!';
  // Typed into the chat anyway, while the secure page is open: not echoed, the customer is sent back to the page.
  await journey.say(`제 주민번호는 ${CUSTOMER.rrn}, 비밀번호는 ${password}이에요`);
  const turn = await customer.send(one.url, { text: '상담원' });
  const initiate = turn.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
  expect(initiate?.value).toMatchObject({
    journey: 'issuing',
    step: 'creatingCertificate.onSecurePage',
    maskedName: '홍*동',
    reason: 'customerAsked',
    language: 'ko',
  });
  const handedOver = JSON.stringify(initiate);
  expect(handedOver).toContain('[주민등록번호]');
  // secrets typed to the agent are masked too
  await customer.say(one.url, `제 주민번호는 ${CUSTOMER.rrn}, 비밀번호는 ${password}, 인증번호는 ${journey.codes[0]} 이에요`);

  const kim = await signIn(two);
  const waiting = (await kim.call('GET', '/queue')).body.waiting.find((s: any) => s.step === 'creatingCertificate.onSecurePage');
  const view = JSON.stringify((await kim.call('POST', `/conversations/${waiting.id}/take`)).body);
  expect(view).toContain('[비밀번호 형태]');
  const tickets = journey.pages.map((page) => page.link.split('/').at(-1) as string);
  const secrets = [CUSTOMER.rrn, CUSTOMER.rrn.replace('-', ''), CUSTOMER.phoneDigits, '2468-1357', password, ...journey.codes];
  // The customer's own chat carried the links, live; nothing else secret.
  for (const [where, text, leaks] of [
    ['handedOver', handedOver, [...secrets, ...tickets]],
    ['view', view, [...secrets, ...tickets]],
    ['chat', customer.proactive.join('\n'), secrets],
  ] as const) {
    for (const secret of leaks) expect({ where, leaked: text.includes(secret) ? secret : undefined }).toEqual({ where, leaked: undefined });
  }
  expect(journey.codes).toHaveLength(2);
  await kim.call('POST', `/conversations/${waiting.id}/end`, { mode: 'close' });
  expect(customer.proactive.at(-1)).toContain('상담이 종료되었어요');
});

test('handoff.status from the hub: accepted, completed returns to the bot, failed offers the bot again; each audited', async () => {
  const customer = await customerOn(HUB);
  await customer.say(one.url, '인증서 발급');
  await customer.say(one.url, '상담원');
  const status = (state: string) => customer.send(one.url, { type: 'event', name: 'handoff.status', value: { state } });
  expect(await status('accepted')).toEqual([]);
  const kim = await signIn(two);
  expect((await kim.call('GET', '/queue')).body.waiting.find((s: any) => s.journey === 'issuing' && s.status === 'queued')).toBeUndefined();
  const completed = (await status('completed')).map((a) => a.text);
  expect(completed[0]).toContain('하시던 단계부터');
  expect(completed.at(-1)).toContain(promptOf('secureStep.open.identity'));

  await customer.say(one.url, '상담원');
  const failed = (await status('failed')).map((a) => a.text);
  expect(failed[0]).toContain('상담원을 연결하지 못했어요');
  // with no handoff left, another status is taken without complaint
  expect(await status('completed')).toEqual([]);
  expect(await status('something-new')).toEqual([]);
  expect((await hubAudit(HUB)).map((a) => [a.state, a.outcome]).reverse()).toEqual([
    ['accepted', 'applied'],
    ['completed', 'applied'],
    ['failed', 'applied'],
    ['completed', 'applied'],
    ['unknown', 'applied'],
  ]);
});

test("a customer's own channel is never told of the handoff, and its handoff.status is refused and audited", async () => {
  const customer = await customerOn('test');
  await customer.say(one.url, '인증서 발급');
  const asked = await customer.send(one.url, { text: '상담원' });
  expect(asked.filter((a) => a.type !== 'message')).toEqual([]);
  expect(asked.map((a) => a.text).join('\n')).toContain('대기 순서는');

  expect(await customer.send(one.url, { type: 'event', name: 'handoff.status', value: { state: 'completed' } })).toEqual([]);
  const kim = await signIn(two);
  const waiting = (await kim.call('GET', '/queue')).body.waiting.filter((s: any) => s.journey === 'issuing' && s.status === 'queued');
  expect(waiting).toHaveLength(1);
  expect((await hubAudit('test')).map((a) => [a.state, a.outcome, a.conversation])).toEqual([['completed', 'refused', waiting[0].id]]);
  // still with the queue: the customer's next words stay with the waiting line, not the bot's flow
  expect((await customer.say(one.url, '홍길동')).join('\n')).not.toContain(promptOf('secureStep.stillOnPage'));
  await kim.call('POST', `/conversations/${waiting[0].id}/take`);
  await kim.call('POST', `/conversations/${waiting[0].id}/end`, { mode: 'close' });
});

test("a Direct Line customer cannot end an agent's conversation with handoff.status, and receives no hub event", async () => {
  const devToken = await fetch(`${one.url}/directline/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'dl-customer' }),
  });
  const grant = (await devToken.json()) as { token: string };
  const client = new DirectLineTestClient({ domain: `${one.url}/v3/directline`, token: grant.token, webSocket: true });
  try {
    await client.waitFor((a) => textOf(a).includes('무엇을 도와드릴까요'));
    await client.post({ type: 'message', from: { id: 'dl-customer' }, text: '재발급' });
    const asked = await client.post({ type: 'message', from: { id: 'dl-customer' }, text: '상담원' });
    await client.waitFor((a) => a.replyToId === asked && textOf(a).includes('대기 순서는'));
    const kim = await signIn(two);
    const queued = async () =>
      (await kim.call('GET', '/queue')).body.waiting.filter((s: any) => s.journey === 'reissuing' && s.status === 'queued');
    const [waiting] = await eventually(async () => ((await queued()).length === 1 ? queued() : undefined));
    const taken = await kim.call('POST', `/conversations/${waiting.id}/take`);
    expect(taken.status).toBe(200);

    await client.post({ type: 'event', name: 'handoff.status', from: { id: 'dl-customer' }, value: { state: 'completed' } });
    await eventually(async () => (await hubAudit('directline')).length === 1);
    expect((await hubAudit('directline'))[0]).toMatchObject({ state: 'completed', outcome: 'refused', conversation: waiting.id });
    // the agent still holds it and can reply
    expect((await kim.call('GET', '/queue')).body.mine.map((s: any) => s.id)).toEqual([waiting.id]);
    expect((await kim.call('POST', `/conversations/${waiting.id}/messages`, { text: '안녕하세요, 상담원입니다.' })).status).toBe(200);
    await client.waitFor((a) => textOf(a).includes('안녕하세요, 상담원입니다.'));
    // Its own handoff.status comes back as Direct Line's echo; nothing of the hub's comes from the bot.
    expect(client.received.filter((a) => a.from?.role === 'bot' && a.type !== 'message' && a.type !== 'typing')).toEqual([]);
    await kim.call('POST', `/conversations/${waiting.id}/end`, { mode: 'close' });
  } finally {
    client.end();
  }
});
