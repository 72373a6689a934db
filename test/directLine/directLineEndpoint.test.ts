import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DirectLineTokens } from '../../src/directLine/directLineTokens';
import { SecretBox } from '../../src/state/secretBox';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { DirectLineTestClient, ReceivedActivity, textOf } from './directLineClient';
import { shownIn } from './directLineJourney';
import { promptOf } from '../support/httpJourneys';

const SECRET = 'test-directline-secret-0123456789abcdef';
const SECRETS_KEY = randomBytes(32);
let bot: RunningBot;
const clients: DirectLineTestClient[] = [];

beforeAll(async () => {
  bot = await startHttpBot({
    DIRECTLINE_SECRET: SECRET,
    SECRETS_KEY: SECRETS_KEY.toString('base64'),
    CA_DIR: mkdtempSync(join(tmpdir(), 'jca-directline-ca-')),
  });
});
afterEach(() => clients.splice(0).forEach((client) => client.end()));
afterAll(() => bot.app.close());

interface Grant {
  conversationId: string;
  token: string;
  expires_in: number;
}

async function call(method: string, path: string, auth: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${bot.url}${path}`, {
    method,
    headers: {
      ...(auth === undefined ? {} : { authorization: `Bearer ${auth}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** What the bank's backend does: a token for one of its customers, made with the secret. */
async function generate(userId: string): Promise<Grant> {
  const { status, body } = await call('POST', '/v3/directline/tokens/generate', SECRET, { user: { id: userId } });
  expect(status).toBe(200);
  return body;
}

function connect(options: { token: string; webSocket: boolean; conversationId?: string; watermark?: string }): DirectLineTestClient {
  const client = new DirectLineTestClient({ domain: `${bot.url}/v3/directline`, ...options });
  clients.push(client);
  return client;
}

const sequenceOf = (activity: ReceivedActivity): number => Number(String(activity.id).split('|')[1]);
const isWelcome = (a: ReceivedActivity) => textOf(a).includes('공동인증서 도우미예요');
/** The answer to '인증서 발급': a card whose button opens 본인 인증's secure page. */
const opensIdentityPage = (a: ReceivedActivity) => shownIn([a]).includes(promptOf('secureStep.open.identity'));

test('tokens/generate: the backend with the secret gets a token binding the user id it names; anyone else is refused', async () => {
  const grant = await generate('customer-7');
  expect(grant).toEqual({ conversationId: expect.stringMatching(/^[\w-]{16,}$/), token: expect.any(String), expires_in: 3600 });

  expect(await call('POST', '/v3/directline/tokens/generate', undefined, { user: { id: 'x' } })).toEqual({
    status: 401,
    body: { error: { code: 'Unauthorized', message: 'Unauthorized' } },
  });
  expect(
    (await call('POST', '/v3/directline/tokens/generate', 'not-the-secret-but-long-enough-000000', { user: { id: 'x' } })).status,
  ).toBe(403);
  // a page's token cannot make more tokens
  expect((await call('POST', '/v3/directline/tokens/generate', grant.token, { user: { id: 'x' } })).body.error.code).toBe('Forbidden');
  for (const body of [undefined, {}, { user: {} }, { user: { id: '' } }, { user: { id: 'a\nb' } }, { user: { id: 'x'.repeat(300) } }]) {
    expect((await call('POST', '/v3/directline/tokens/generate', SECRET, body)).body.error.code).toBe('BadArgument');
  }
});

test('over polling: the welcome, the echo of the message with its clientActivityID, and the bot’s reply', async () => {
  const grant = await generate('customer-1');
  const client = connect({ token: grant.token, webSocket: false });
  const welcome = await client.waitFor(isWelcome);
  expect(welcome).toMatchObject({
    type: 'message',
    channelId: 'directline',
    conversation: { id: grant.conversationId },
    from: { role: 'bot' },
  });

  const id = await client.post({
    type: 'message',
    from: { id: 'customer-1' },
    text: '인증서 발급',
    channelData: { clientActivityID: 'client-1' },
  });
  expect(id).toMatch(new RegExp(`^${grant.conversationId}\\|\\d{7}$`));
  const echo = await client.waitFor((a) => a.id === id);
  expect(echo).toMatchObject({
    type: 'message',
    text: '인증서 발급',
    from: { id: 'customer-1', role: 'user' },
    channelData: { clientActivityID: 'client-1' },
  });
  const reply = await client.waitFor(opensIdentityPage);
  expect(reply).toMatchObject({ replyToId: id, from: { role: 'bot' }, recipient: { id: 'customer-1' } });
  // what only the bot's connector needs never reaches a client, nor does the conversationUpdate
  expect(client.received.every((a) => a.serviceUrl === undefined && a.deliveryMode === undefined && a.type !== 'conversationUpdate')).toBe(
    true,
  );
  expect(sequenceOf(reply)).toBeGreaterThan(sequenceOf(echo));
});

test('over the WebSocket stream: the welcome and the reply arrive as they are logged', async () => {
  const grant = await generate('customer-ws');
  const client = connect({ token: grant.token, webSocket: true });
  await client.waitFor(isWelcome);
  const id = await client.post({
    type: 'message',
    from: { id: 'customer-ws' },
    text: '인증서 발급',
    channelData: { clientActivityID: 'ws-1' },
  });
  expect((await client.waitFor((a) => a.id === id)).channelData.clientActivityID).toBe('ws-1');
  await client.waitFor((a) => a.replyToId === id && opensIdentityPage(a));
  // each activity once, none missing (directlinejs' scheduler may interleave batches that arrive together)
  const sequences = client.received.map(sequenceOf).sort((a, b) => a - b);
  expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
});

test('a reconnect with a watermark gets only what is newer', async () => {
  const grant = await generate('customer-2');
  const first = connect({ token: grant.token, webSocket: false });
  const lastSeen = await first.waitFor((a) => textOf(a).includes('무엇을 도와드릴까요'));
  first.end();

  const again = connect({
    token: grant.token,
    webSocket: false,
    conversationId: grant.conversationId,
    watermark: String(sequenceOf(lastSeen)),
  });
  const id = await again.post({ type: 'message', from: { id: 'customer-2' }, text: '인증서 발급' });
  await again.waitFor((a) => a.replyToId === id);
  expect(again.received.length).toBeGreaterThan(0);
  expect(again.received.every((a) => sequenceOf(a) > sequenceOf(lastSeen))).toBe(true);

  // the reconnect call itself, as directlinejs makes it: the conversation, a token and a fresh stream URL from that watermark
  const reconnect = await call('GET', `/v3/directline/conversations/${grant.conversationId}?watermark=3`, grant.token);
  expect(reconnect.body).toEqual({
    conversationId: grant.conversationId,
    token: grant.token,
    expires_in: expect.any(Number),
    streamUrl: expect.stringContaining('watermark=3'),
  });
  expect(reconnect.body.streamUrl).toMatch(
    new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${grant.conversationId}/stream\\?`),
  );
  const page = await call(
    'GET',
    `/v3/directline/conversations/${grant.conversationId}/activities?watermark=${sequenceOf(lastSeen)}`,
    grant.token,
  );
  expect(page.body.activities.map((a: ReceivedActivity) => a.id)).toEqual(again.received.map((a) => a.id));
  expect(page.body.watermark).toBe(String(sequenceOf(again.received.at(-1) as ReceivedActivity)));
  expect((await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities?watermark=abc`, grant.token)).status).toBe(
    400,
  );
});

test('tokens/refresh: a new token for the same conversation and user, later expiry; the old one still works until it expires', async () => {
  const grant = await generate('customer-3');
  const refreshed = await call('POST', '/v3/directline/tokens/refresh', grant.token);
  expect(refreshed.status).toBe(200);
  expect(refreshed.body).toEqual({ conversationId: grant.conversationId, token: expect.any(String), expires_in: 3600 });
  expect(refreshed.body.token).not.toBe(grant.token);
  const started = await call('POST', '/v3/directline/conversations', refreshed.body.token);
  expect(started.body.conversationId).toBe(grant.conversationId);
  // the refreshed token binds the same user
  const asOther = await call('POST', `/v3/directline/conversations/${grant.conversationId}/activities`, refreshed.body.token, {
    type: 'message',
    from: { id: 'someone-else' },
    text: 'hi',
  });
  expect(asOther.status).toBe(403);
  expect((await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token)).status).toBe(200);
  expect((await call('POST', '/v3/directline/tokens/refresh', SECRET)).body.error.code).toBe('Forbidden');
});

test('an expired token is refused with 403 TokenExpired everywhere, the stream included', async () => {
  const grant = await generate('customer-4');
  // The app signs with a key derived from SECRETS_KEY; this one was made an hour and a half ago.
  const key = new SecretBox(SECRETS_KEY).hashKey('directline-token');
  const expired = new DirectLineTokens(key, 3600, () => Date.now() - 90 * 60_000).issue(grant.conversationId, 'customer-4').token;
  const refused = { status: 403, body: { error: { code: 'TokenExpired', message: 'TokenExpired' } } };
  expect(await call('POST', '/v3/directline/tokens/refresh', expired)).toEqual(refused);
  expect(await call('POST', '/v3/directline/conversations', expired)).toEqual(refused);
  expect(await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, expired)).toEqual(refused);
  expect(
    await call('POST', `/v3/directline/conversations/${grant.conversationId}/activities`, expired, {
      type: 'message',
      from: { id: 'customer-4' },
      text: 'hi',
    }),
  ).toEqual(refused);
  expect(await streamStatus(`/v3/directline/conversations/${grant.conversationId}/stream?t=${expired}`)).toBe(403);
  // the same token, still valid, opens the stream
  expect(await streamStatus(`/v3/directline/conversations/${grant.conversationId}/stream?t=${grant.token}`)).toBe(101);
});

test('a token for user A cannot post as user B, nor touch another conversation', async () => {
  const alice = await generate('alice');
  const bob = await generate('bob');
  const client = connect({ token: alice.token, webSocket: false });
  await client.waitFor(isWelcome);
  const asBob = await call('POST', `/v3/directline/conversations/${alice.conversationId}/activities`, alice.token, {
    type: 'message',
    from: { id: 'bob' },
    text: '인증서 발급',
  });
  expect(asBob).toEqual({ status: 403, body: { error: { code: 'Forbidden', message: 'from.id does not match the token' } } });
  expect((await call('GET', `/v3/directline/conversations/${bob.conversationId}/activities`, alice.token)).status).toBe(403);
  expect(await streamStatus(`/v3/directline/conversations/${bob.conversationId}/stream?t=${alice.token}`)).toBe(403);
  // the backend, with the secret, may speak as the conversation's user
  expect(
    (
      await call('POST', `/v3/directline/conversations/${alice.conversationId}/activities`, SECRET, {
        type: 'message',
        from: { id: 'alice' },
        text: '도움말',
      })
    ).status,
  ).toBe(200);
  // nothing the bot would have said to "bob" reached the transcript
  expect(client.received.filter((a) => a.from?.id === 'bob')).toEqual([]);
});

test('activities a client may not set are refused or dropped before the bot sees them', async () => {
  const grant = await generate('customer-5');
  const post = (activity: Record<string, unknown>) =>
    call('POST', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token, activity);
  expect((await post({ type: 'invoke', from: { id: 'customer-5' }, name: 'x' })).status).toBe(400);
  expect((await post({ type: 'message', text: 'no sender' })).status).toBe(400);
  expect((await post({ type: 'message', from: { id: 'customer-5' }, text: 'x'.repeat(5000) })).status).toBe(400);
  // an attachment anywhere but inline is refused: a URL would point someone's fetch at our own origin
  const fetched = await post({
    type: 'message',
    from: { id: 'customer-5' },
    attachments: [{ contentType: 'application/octet-stream', contentUrl: `${bot.url}/ca/bank.crl`, name: 'signCert.der' }],
  });
  expect(fetched.body.error.code).toBe('BadArgument');
  const id = (
    await post({
      type: 'message',
      from: { id: 'customer-5' },
      text: '도움말',
      serviceUrl: 'http://evil.example/',
      channelId: 'emulator',
      recipient: { id: 'x' },
    })
  ).body.id;
  const page = await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token);
  const echo = page.body.activities.find((a: ReceivedActivity) => a.id === id);
  expect(echo).toMatchObject({ channelId: 'directline', recipient: { role: 'bot' } });
  expect(echo.serviceUrl).toBeUndefined();
  expect(page.body.activities.some((a: ReceivedActivity) => a.replyToId === id)).toBe(true);
});

test('the bot’s connector: messages outside a turn reach the client; traces never do; a delete leaves nothing said in the log', async () => {
  const grant = await generate('customer-6');
  const client = connect({ token: grant.token, webSocket: true });
  await client.waitFor(isWelcome);
  const connector = `/directline-connector/v3/conversations/${grant.conversationId}/activities`;
  const trace = await call('POST', connector, undefined, { type: 'trace', name: 'debug', value: { secret: 1 } });
  expect(trace.status).toBe(200);
  const agent = await call('POST', connector, undefined, {
    type: 'message',
    text: '[상담원] 안녕하세요',
    from: { id: 'joint-certificate-assistant' },
    serviceUrl: 'http://127.0.0.1:1/',
  });
  expect(agent.body.id).toMatch(/\|\d{7}$/);
  const received = await client.waitFor((a) => a.id === agent.body.id);
  // The bot's even outside a turn: clients other than Web Chat tell the bot by its role.
  expect(received).toMatchObject({
    text: '[상담원] 안녕하세요',
    channelId: 'directline',
    conversation: { id: grant.conversationId },
    from: { id: 'joint-certificate-assistant', role: 'bot' },
  });
  expect(received.serviceUrl).toBeUndefined();
  const page = await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token);
  expect(page.body.activities.filter((a: ReceivedActivity) => a.type === 'trace')).toEqual([]);
  expect(client.received.filter((a) => a.type === 'trace')).toEqual([]);

  // a 주민등록번호 typed anyway is logged masked; a delete through the connector leaves the log its id
  // and the client's echo key, not what it said
  const id = await client.post({
    type: 'message',
    from: { id: 'customer-6' },
    text: '900101-1234567',
    channelData: { clientActivityID: 'rrn-1' },
  });
  await client.waitFor((a) => a.replyToId === id);
  const logged = async () =>
    (
      (await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token)).body
        .activities as ReceivedActivity[]
    ).find((a) => a.id === id);
  expect((await logged())?.text).toBe('******-*******');
  expect((await call('DELETE', `${connector}/${encodeURIComponent(id)}`, undefined)).status).toBe(200);
  expect(await logged()).toEqual({
    id,
    type: 'message',
    channelId: 'directline',
    conversation: { id: grant.conversationId },
    from: { id: 'customer-6', role: 'user' },
    recipient: expect.objectContaining({ role: 'bot' }),
    timestamp: expect.any(String),
    channelData: { clientActivityID: 'rrn-1' },
  });
  // deleting what was never logged (a typing indicator) or is gone is still 200: deletes are best effort
  expect((await call('DELETE', `${connector}/${encodeURIComponent(`${grant.conversationId}|0000099`)}`, undefined)).status).toBe(200);
  // an unknown conversation is not there to write to
  expect(
    (await call('POST', '/directline-connector/v3/conversations/nope/activities', undefined, { type: 'message', text: 'x' })).status,
  ).toBe(404);
});

test('asking for a person: the customer’s client gets no hub event (handoff.initiate) and no connector address, live or in the history', async () => {
  const grant = await generate('customer-hub');
  const client = connect({ token: grant.token, webSocket: true });
  await client.waitFor(isWelcome);
  const asked = await client.post({ type: 'message', from: { id: 'customer-hub' }, text: '상담원' });
  expect(textOf(await client.waitFor((a) => a.replyToId === asked && textOf(a).includes('대기 순서는')))).toContain('대기 순서는');
  // The post returns once the turn is over: everything it produced is logged, and the stream has it once it has the last of it.
  const history = (await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token)).body
    .activities as ReceivedActivity[];
  await client.waitFor((a) => a.id === history.at(-1)?.id);
  for (const [where, activities] of Object.entries({ history, stream: client.received })) {
    expect({ where, events: activities.filter((a) => a.type === 'event').map((a) => a.name) }).toEqual({ where, events: [] });
    expect({ where, connector: JSON.stringify(activities).includes('/directline-connector') }).toEqual({ where, connector: false });
  }
});

test('the channel never logs or delivers a handoff.* event, whatever the bot sends through its connector, nor the connector’s address', async () => {
  const grant = await generate('customer-hub-2');
  const client = connect({ token: grant.token, webSocket: true });
  await client.waitFor(isWelcome);
  const connector = `/directline-connector/v3/conversations/${grant.conversationId}/activities`;
  const address = { channelId: 'directline', serviceUrl: `${bot.url}/directline-connector`, conversation: { id: grant.conversationId } };
  const transcript = [
    { contentType: 'application/json', name: 'Transcript', content: { activities: [{ type: 'message', text: '이전 대화' }] } },
  ];
  for (const name of ['handoff.initiate', 'handoff.status']) {
    expect(
      (
        await call('POST', connector, undefined, {
          type: 'event',
          name,
          value: { step: 'askingRrn' },
          attachments: transcript,
          relatesTo: address,
        })
      ).status,
    ).toBe(200);
  }
  const message = await call('POST', connector, undefined, { type: 'message', text: '[상담원] 안녕하세요', relatesTo: address });
  const received = await client.waitFor((a) => a.id === message.body.id);
  expect(received.relatesTo).toBeUndefined();
  const history = (await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token)).body
    .activities as ReceivedActivity[];
  for (const activities of [history, client.received]) {
    expect(activities.filter((a) => a.type === 'event')).toEqual([]);
    expect(JSON.stringify(activities)).not.toContain('/directline-connector');
  }
});

test('a message outside a turn replies to nothing the client cannot have, or Web Chat would hold it 5 s waiting for that', async () => {
  const grant = await generate('customer-reply');
  const client = connect({ token: grant.token, webSocket: true });
  await client.waitFor(isWelcome);
  const connector = `/directline-connector/v3/conversations/${grant.conversationId}/activities`;
  // what continueConversation gives an agent's message: a replyToId naming the continuation activity the adapter made up
  const agent = await call('POST', connector, undefined, {
    type: 'message',
    text: '[상담원] 안녕하세요',
    replyToId: '515d02d9-8713-4010-9e4d-8893c96ce521',
  });
  expect((await client.waitFor((a) => a.id === agent.body.id)).replyToId).toBeUndefined();
  // a reply to an activity the client has keeps it
  const id = await client.post({ type: 'message', from: { id: 'customer-reply' }, text: '도움말' });
  const answer = await call('POST', `${connector}/${encodeURIComponent(id)}`, undefined, {
    type: 'message',
    text: '[상담원] 네',
    replyToId: id,
  });
  expect((await client.waitFor((a) => a.id === answer.body.id)).replyToId).toBe(id);
  const everyReply = client.received.filter((a) => a.replyToId !== undefined && a.replyToId !== null);
  expect(everyReply.every((a) => client.received.some((b) => b.id === a.replyToId))).toBe(true);
});

test('a file posted inline reaches the bot, which points to the secure page; its bytes are not kept in the log; there is no upload route', async () => {
  const grant = await generate('customer-8');
  const client = connect({ token: grant.token, webSocket: false });
  await client.waitFor(isWelcome);
  const inline = (bytes: string) => `data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`;
  const posted = await call('POST', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token, {
    type: 'message',
    from: { id: 'customer-8' },
    channelData: { clientActivityID: 'file-1' },
    attachments: [
      { contentType: 'application/x-x509-ca-cert', contentUrl: inline('certificate bytes'), name: 'signCert.der' },
      { contentType: 'application/octet-stream', contentUrl: inline('key bytes'), name: 'signPri.key' },
    ],
  });
  expect(posted.status).toBe(200);
  const { id } = posted.body as { id: string };
  const echo = await client.waitFor((a) => a.id === id);
  expect(echo.channelData.clientActivityID).toBe('file-1');
  expect(echo.attachments).toEqual([
    { contentType: 'application/x-x509-ca-cert', name: 'signCert.der' },
    { contentType: 'application/octet-stream', name: 'signPri.key' },
  ]);
  expect(shownIn([await client.waitFor((a) => a.replyToId === id)])).toContain(promptOf('secureStep.filesOnPage'));
  const log = JSON.stringify((await call('GET', `/v3/directline/conversations/${grant.conversationId}/activities`, grant.token)).body);
  expect(log).not.toContain(Buffer.from('key bytes').toString('base64'));
  // directlinejs uploads files through this route; files are chosen on the secure page now.
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('ok')]), 'signCert.der');
  const upload = await fetch(`${bot.url}/v3/directline/conversations/${grant.conversationId}/upload?userId=customer-8`, {
    method: 'POST',
    headers: { authorization: `Bearer ${grant.token}` },
    body: form,
  });
  expect(upload.status).toBe(404);
});

test('the dev-token route does not exist when a secret is configured', async () => {
  expect((await call('POST', '/directline/dev-token', undefined, {})).status).toBe(404);
});

/** The HTTP status a WebSocket upgrade gets: 101 when the stream opens. */
function streamStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${bot.url.replace('http:', 'ws:')}${path}`);
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    // After a refusal `ws` may also report an error; the promise is settled by then.
    socket.on('error', reject);
  });
}
