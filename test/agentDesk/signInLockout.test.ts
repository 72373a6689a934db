import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import Redis from 'ioredis';
import { agentsConfig } from '../support/deskClient';
import { RunningBot, startInstances } from '../support/httpBot';
import { deleteKeysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

// Finding 10: five wrong passwords for an agent id blocked that id for everyone, from anywhere.

const REDIS_URL = SHARED_REDIS_URL;
const prefix = `jca-test-sign-in-lockout-${randomUUID()}:`;
const admin = new Redis(REDIS_URL);
let one: RunningBot;
let two: RunningBot;

beforeAll(async () => {
  ({ one, two } = await startInstances({ REDIS_URL, STATE_KEY_PREFIX: prefix, AGENTS: await agentsConfig(['kim', 'lee']) }));
});

afterAll(async () => {
  await one.app.close();
  await two.app.close();
  await deleteKeysMatching(admin, `${prefix}*`);
  admin.disconnect();
});

/** A sign-in as the desk's page sends it, from the loopback address `from` (both 127.0.0.1 and 127.0.0.2 are this machine). */
function signIn(bot: RunningBot, from: string, id: string, password: string): Promise<number> {
  const url = new URL('/agent/api/session', bot.url);
  const body = JSON.stringify({ id, password });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), origin: url.origin },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test("someone else's wrong passwords from another address do not lock the agent out; from theirs they do, on every instance", async () => {
  for (let i = 0; i < 5; i++) expect(await signIn(one, '127.0.0.2', 'kim', `guess number ${i}`)).toBe(401);
  // The real kim, at another address, signs in on either instance.
  expect(await signIn(one, '127.0.0.1', 'kim', 'kim-password-123')).toBe(200);
  expect(await signIn(two, '127.0.0.1', 'kim', 'kim-password-123')).toBe(200);
  // The guesser's address is blocked for kim, on the other instance too (Redis is shared).
  expect(await signIn(one, '127.0.0.2', 'kim', 'kim-password-123')).toBe(429);
  expect(await signIn(two, '127.0.0.2', 'kim', 'kim-password-123')).toBe(429);
});

test('a block reached across instances holds on both', async () => {
  for (let i = 0; i < 3; i++) expect(await signIn(one, '127.0.0.3', 'lee', `guess number ${i}`)).toBe(401);
  for (let i = 3; i < 5; i++) expect(await signIn(two, '127.0.0.3', 'lee', `guess number ${i}`)).toBe(401);
  expect(await signIn(one, '127.0.0.3', 'lee', 'lee-password-123')).toBe(429);
  expect(await signIn(two, '127.0.0.3', 'lee', 'lee-password-123')).toBe(429);
});
