import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { CUSTOMER } from '../support/journeys';
import { CERT_PASSWORD, freshRrn } from '../support/httpJourneys';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { deleteKeysMatching, keysMatching } from '../support/redisCleanup';
import { DirectLineTestClient, textOf } from './directLineClient';
import { DirectLineCustomer, issueOverDirectLine, shownIn } from './directLineJourney';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

const REDIS_URL = SHARED_REDIS_URL;
const SECRET = 'directline-log-secret-0123456789abcdef';
const prefix = `jca-test-dl-log-${randomUUID()}:`;
const admin = new Redis(REDIS_URL);
let bot: RunningBot;
const clients: DirectLineTestClient[] = [];

beforeAll(async () => {
  bot = await startHttpBot({
    REDIS_URL,
    STATE_KEY_PREFIX: prefix,
    DIRECTLINE_SECRET: SECRET,
    CA_DIR: mkdtempSync(join(tmpdir(), 'jca-dl-log-ca-')),
  });
});

afterAll(async () => {
  clients.forEach((client) => client.end());
  await bot.app.close();
  await deleteKeysMatching(admin, `${prefix}*`);
  admin.disconnect();
});

/** A conversation the bank's backend made a token for, started by the client (as the chat page does). */
async function start(): Promise<{ client: DirectLineTestClient; conversationId: string; token: string }> {
  const generated = await fetch(`${bot.url}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: 'customer' } }),
  });
  const { conversationId, token } = (await generated.json()) as { conversationId: string; token: string };
  return { client: connect({ token, webSocket: true }), conversationId, token };
}

/** A client on the conversation's stream; with `conversationId`, one that reconnects to it (a reloaded page). */
function connect(options: { token: string; webSocket: boolean; conversationId?: string }): DirectLineTestClient {
  const client = new DirectLineTestClient({ domain: `${bot.url}/v3/directline`, ...options });
  clients.push(client);
  return client;
}

test('the Direct Line log in Redis keeps no typed 주민등록번호, phone number, code or password, nor a working secure step link; the stream delivered the links live once', async () => {
  const { client, conversationId, token } = await start();
  await client.waitFor((a) => textOf(a).includes('무엇을 도와드릴까요'));
  const customer = new DirectLineCustomer(client, 'customer');
  await customer.say('제 주민번호는 770707-1234567 이고 연락처는 010 5555 6666 이에요');
  const rrn = freshRrn();
  const { codes, links } = await issueOverDirectLine(customer, rrn);
  const tickets = links.map((link) => link.split('/').at(-1) as string);

  // live: the customer's client got the working links, each in its card's button
  expect(links).toHaveLength(3);
  for (const link of links) expect(shownIn(client.received)).toContain(link);

  const [logKey] = await keysMatching(admin, `${prefix}directline:{${conversationId}}:log`);
  const stored = (await admin.lrange(logKey as string, 0, -1)).join('\n');
  const secrets = [
    '770707-1234567',
    '7707071234567',
    '1234567',
    '5555 6666',
    rrn,
    rrn.replace('-', ''),
    rrn.slice(-7),
    CUSTOMER.phone,
    CUSTOMER.phoneDigits,
    '2468-1357',
    CERT_PASSWORD,
    ...tickets,
  ];
  for (const secret of secrets) expect({ leaked: stored.includes(secret) ? secret : undefined }).toEqual({ leaked: undefined });
  for (const code of codes) expect(stored).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`));
  // it is the log of this conversation, with what was said kept in masked form and the links dead
  expect(stored).toContain('제 주민번호는 ******-******* 이고 연락처는 ***-****-**** 이에요');
  expect(stored).toContain('/secure/delivered');
  expect(stored).toContain('인증서가 발급되었어요');

  // history: a reloaded page (a new stream from the start) and a polling read both get the stored copy
  const reloaded = connect({ webSocket: true, conversationId, token });
  await reloaded.waitFor((a) => shownIn([a]).includes('인증서가 발급되었어요'));
  const history = await fetch(`${bot.url}/v3/directline/conversations/${conversationId}/activities`, {
    headers: { authorization: `Bearer ${token}` },
  });
  for (const replayed of [shownIn(reloaded.received), JSON.stringify(await history.json())]) {
    for (const ticket of tickets) expect(replayed).not.toContain(ticket);
    expect(replayed).not.toContain('770707-1234567');
    expect(replayed).toContain('/secure/delivered');
    expect(replayed).toContain('인증서가 발급되었어요');
  }
}, 60_000);
