import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RunningBot, startInstances } from '../support/httpBot';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { promptOf } from '../support/httpJourneys';
import { DirectLineTestClient, ReceivedActivity, textOf } from './directLineClient';
import { shownIn } from './directLineJourney';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const REDIS_URL = SHARED_REDIS_URL;
const SECRET = 'across-instances-secret-0123456789abcdef';
const prefix = `jca-test-directline-${randomUUID()}:`;
const admin = new Redis(REDIS_URL);
let one: RunningBot;
let two: RunningBot;

beforeAll(async () => {
  ({ one, two } = await startInstances({ REDIS_URL, STATE_KEY_PREFIX: prefix, DIRECTLINE_SECRET: SECRET }));
});

afterAll(async () => {
  await one.app.close();
  await two.app.close();
  await deleteKeysMatching(admin, `${prefix}*`);
  admin.disconnect();
});

const sequenceOf = (activity: ReceivedActivity): number => Number(String(activity.id).split('|')[1]);

async function postTo(bot: RunningBot, conversationId: string, token: string, text: string): Promise<string> {
  const response = await fetch(`${bot.url}/v3/directline/conversations/${conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', from: { id: 'customer' }, text }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

test('started on instance 1, reconnected on instance 2: its socket gets what instance 1 logs, through Redis pub/sub', async () => {
  const generated = await fetch(`${one.url}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: 'customer' } }),
  });
  const { conversationId, token } = (await generated.json()) as { conversationId: string; token: string };
  const first = new DirectLineTestClient({ domain: `${one.url}/v3/directline`, token, webSocket: false });
  const menu = await first.waitFor((a) => textOf(a).includes('무엇을 도와드릴까요'));
  first.end();

  // the reconnect (GET /conversations/:id) and the stream are served by instance 2
  const second = new DirectLineTestClient({
    domain: `${two.url}/v3/directline`,
    token,
    conversationId,
    watermark: String(sequenceOf(menu)),
    webSocket: true,
  });
  try {
    const help = await postTo(one, conversationId, token, '도움말');
    await second.waitFor((a) => a.replyToId === help);
    // The socket on instance 2 is open and subscribed now, so what follows can only come by the feed.
    const issue = await postTo(one, conversationId, token, '인증서 발급');
    expect(shownIn([await second.waitFor((a) => a.replyToId === issue)])).toContain(promptOf('secureStep.open.identity'));
    const agent = await fetch(`${one.url}/directline-connector/v3/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: '[상담원] 도와드릴게요' }),
    });
    const { id } = (await agent.json()) as { id: string };
    expect((await second.waitFor((a) => a.id === id)).text).toBe('[상담원] 도와드릴게요');
    // nothing before the watermark, nothing twice, nothing missing (directlinejs' own scheduler may
    // interleave two batches that arrive together, so the order is the log's, not checked here)
    const sequences = second.received.map(sequenceOf).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => sequenceOf(menu) + 1 + i));
  } finally {
    second.end();
  }

  // the conversation and its log live in Redis under the state prefix, with an expiry
  const keys = await keysMatching(admin, `${prefix}directline:{${conversationId}}*`);
  expect(keys.sort()).toEqual([`${prefix}directline:{${conversationId}}`, `${prefix}directline:{${conversationId}}:log`]);
  for (const key of keys) expect(await admin.ttl(key)).toBeGreaterThan(0);
});
