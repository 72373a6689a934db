import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import restify, { Server } from 'restify';
import { loadConfig } from '../../src/config/config';
import { ACTIVITY_FEED } from '../../src/directLine/activityFeed';
import type { BotGateway } from '../../src/directLine/botGateway';
import { MemoryDirectLineStore } from '../../src/directLine/directLineStore';
import { DirectLineChannel, mountDirectLine } from '../../src/directLine/mountDirectLine';
import { createLogger } from '../../src/logging/logger';
import { useParsers } from '../../src/server/createServer';
import { MemoryBroadcast } from '../../src/state/broadcast';
import { SecretBox } from '../../src/state/secretBox';
import WebSocket from 'ws';
import { DirectLineTestClient } from './directLineClient';
import { eventually } from '../support/httpJourneys';

// The channel alone on a server set up as the app's (same parsers), with a bot that only
// records what it is given: what exactly reaches the bot from a client's post.
const SECRET = 'upload-test-secret-0123456789abcdefgh';
const seen: Partial<Activity>[] = [];
/** What the bot does during a turn besides replying; a test may set it. */
let during: (live: (activity: Partial<Activity>) => void) => void = () => undefined;
const recordingBot: BotGateway = {
  async turn(activity, live) {
    seen.push(activity);
    if (live !== undefined) during(live);
    return activity.type === 'message' ? [{ type: 'message', text: 'received', replyToId: activity.id }] : [];
  },
};
let server: Server;
let channel: DirectLineChannel;
let url: string;

beforeAll(async () => {
  server = restify.createServer({ handleUncaughtExceptions: false });
  useParsers(server);
  channel = mountDirectLine(server, {
    config: loadConfig({ DIRECTLINE_SECRET: SECRET }),
    store: new MemoryDirectLineStore(1800),
    feed: new MemoryBroadcast(ACTIVITY_FEED),
    gateway: recordingBot,
    tokenKey: randomBytes(32),
    box: new SecretBox(randomBytes(32)),
    logger: createLogger('silent'),
    keepAliveMs: 50,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function generate(userId: string): Promise<{ token: string; conversationId: string }> {
  const generated = await fetch(`${url}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: userId } }),
  });
  return (await generated.json()) as { token: string; conversationId: string };
}

interface RawStream {
  readonly socket: WebSocket;
  readonly messages: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** A raw stream, recording every message as sent (keep-alives included). */
function openStream(conversationId: string, token: string): Promise<RawStream> {
  const socket = new WebSocket(`${url.replace('http:', 'ws:')}/v3/directline/conversations/${conversationId}/stream?t=${token}`);
  const messages: string[] = [];
  socket.on('message', (data) => messages.push(data.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages, closed }));
    socket.once('error', reject);
  });
}

test('the bot gets the conversation start, then a message with its inline attachments as posted, on the directline channel', async () => {
  const { token, conversationId } = await generate('customer');
  const client = new DirectLineTestClient({ domain: `${url}/v3/directline`, token, webSocket: false });
  try {
    const certificate = randomBytes(900);
    const inline = `data:application/x-x509-ca-cert;base64,${certificate.toString('base64')}`;
    // Posted as JSON (directlinejs would take attachments to the upload route, which is gone: files are chosen on the secure page).
    const posted = await fetch(`${url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        from: { id: 'customer' },
        text: '파일 보내요',
        channelData: { clientActivityID: 'up-1' },
        attachments: [{ contentType: 'application/x-x509-ca-cert', contentUrl: inline, name: 'signCert.der' }],
      }),
    });
    const { id } = (await posted.json()) as { id: string };
    await client.waitFor((a) => a.replyToId === id);

    const [start, message] = seen;
    expect(start).toMatchObject({
      type: 'conversationUpdate',
      channelId: 'directline',
      conversation: { id: conversationId },
      membersAdded: [{ id: 'customer' }, { id: 'joint-certificate-assistant' }],
      recipient: { id: 'joint-certificate-assistant' },
    });
    expect(message).toMatchObject({
      type: 'message',
      id,
      text: '파일 보내요',
      channelId: 'directline',
      from: { id: 'customer', role: 'user' },
      channelData: { clientActivityID: 'up-1' },
      serviceUrl: `${url}/directline-connector`,
      attachments: [{ contentType: 'application/x-x509-ca-cert', name: 'signCert.der', contentUrl: inline }],
    });
  } finally {
    client.end();
  }
});

test('a typing indicator the bot sends mid-turn goes to open streams at once, is never logged, and a client’s typing is echoed on the stream only', async () => {
  const { token, conversationId } = await generate('typist');
  const stream = await openStream(conversationId, token);
  during = (live) => live({ type: 'typing' });
  const post = (activity: Record<string, unknown>) =>
    fetch(`${url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    }).then((r) => r.json() as Promise<{ id: string }>);
  try {
    const { id } = await post({ type: 'message', from: { id: 'typist' }, text: 'hi' });
    const frames = () =>
      stream.messages.filter((m) => m !== '').map((m) => JSON.parse(m) as { activities: Record<string, unknown>[]; watermark?: string });
    const activities = () => frames().flatMap((f) => f.activities);
    await eventually(() => activities().some((a) => a.replyToId === id));
    // before the turn's replies, not with them
    const typingAt = activities().findIndex((a) => a.type === 'typing');
    expect(typingAt).toBeGreaterThanOrEqual(0);
    expect(typingAt).toBeLessThan(activities().findIndex((a) => a.replyToId === id));
    // typing frames carry no watermark: they are not in the log
    expect(
      frames()
        .filter((f) => f.activities.some((a) => a.type === 'typing'))
        .every((f) => f.watermark === undefined),
    ).toBe(true);
    const { id: typingId } = await post({ type: 'typing', from: { id: 'typist' }, channelData: { clientActivityID: 'typing-1' } });
    await eventually(() => activities().find((a) => a.id === typingId && a.type === 'typing'));
    const log = await fetch(`${url}/v3/directline/conversations/${conversationId}/activities`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<{ activities: Record<string, unknown>[] }>);
    expect(log.activities.filter((a) => a.type === 'typing')).toEqual([]);
  } finally {
    during = () => undefined;
    stream.socket.close();
  }
});

test('open streams get Direct Line’s empty keep-alive messages', async () => {
  const { token, conversationId } = await generate('quiet');
  const stream = await openStream(conversationId, token);
  try {
    await eventually(() => stream.messages.includes(''), 2_000);
  } finally {
    stream.socket.close();
  }
});

test('one conversation may hold three streams on an instance; a fourth is closed as a collision', async () => {
  const { token, conversationId } = await generate('many-tabs');
  const streams = await Promise.all([1, 2, 3].map(() => openStream(conversationId, token)));
  const fourth = await openStream(conversationId, token);
  expect(await fourth.closed).toEqual({ code: 1008, reason: 'collision' });
  streams.forEach((s) => s.socket.close());
  await Promise.all(streams.map((s) => s.closed));
  // with the others gone, there is room again
  const again = await openStream(conversationId, token);
  again.socket.close();
  await again.closed;
});

// Last: it closes the channel.
test('closing the channel ends open streams with 1001 (going away), so clients reconnect elsewhere', async () => {
  const { token, conversationId } = await generate('leaving');
  const stream = await openStream(conversationId, token);
  await channel.close();
  expect(await stream.closed).toEqual({ code: 1001, reason: 'going away' });
});
