import { execFileSync } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import Redis from 'ioredis';
import { activity, post, RunningBot, startHttpBot } from '../support/httpBot';
import { keysMatching } from '../support/redisCleanup';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

describe('the sandbox (no MicrosoftAppId, loopback)', () => {
  let bot: RunningBot;
  beforeAll(async () => {
    bot = await startHttpBot();
  });
  afterAll(() => bot.app.close());

  test('answers a message with expectReplies: the Korean welcome and the menu choices', async () => {
    const { status, body } = await post(bot.url, activity({ conversation: { id: 'welcome-check' } }));
    expect(status).toBe(200);
    const [welcome, menu] = body.activities;
    expect(welcome.text).toContain('공동인증서 도우미');
    expect(menu.suggestedActions.actions.map((a: { title: string }) => a.title)).toEqual([
      '인증서 발급',
      '타기관 인증서 등록·해제',
      '재발급',
      '공동인증서란?',
      '상담원 연결',
    ]);
  });

  test('refuses to answer a serviceUrl outside the loopback allow-list', async () => {
    const { status } = await post(bot.url, activity({ serviceUrl: 'https://attacker.example.com/' }));
    expect(status).toBe(403);
  });

  test.each([
    ['no conversation', activity({ conversation: undefined })],
    ['no sender', activity({ from: undefined })],
    ['an unknown activity type', activity({ type: 'definitelyNotAType' })],
    ['a serviceUrl that is not a URL', activity({ serviceUrl: 'not a url' })],
    ['text that is not a string', activity({ text: { nested: true } })],
  ])('refuses a malformed activity (%s) with 400', async (_name, body) => {
    expect((await post(bot.url, body)).status).toBe(400);
  });

  test('refuses a body that is not JSON with 400', async () => {
    expect((await post(bot.url, '{"type": "message", ')).status).toBe(400);
  });

  test('refuses an oversized body with 413', async () => {
    const { status } = await post(bot.url, activity({ text: 'ㄱ'.repeat(300_000) }));
    expect(status).toBe(413);
  });

  test('serves the sandbox CA’s signed CRL at the distribution point written into certificates', async () => {
    const response = await fetch(`${bot.url}/ca/bank.crl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-issuer'], {
      input: Buffer.from(await response.arrayBuffer()),
    }).toString();
    expect(text).toContain('yessignCA Sandbox Class 2');
    expect((await fetch(`${bot.url}/ca/unknown.crl`)).status).toBe(404);
  });

  test('health and readiness answer', async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
  });
});

describe('with a MicrosoftAppId configured', () => {
  const prefix = `jca-test-auth-${process.pid}:`;
  let bot: RunningBot;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(SHARED_REDIS_URL);
    bot = await startHttpBot({
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'not-a-real-secret',
      HOST: '127.0.0.1',
      REDIS_URL: SHARED_REDIS_URL,
      STATE_KEY_PREFIX: prefix,
    });
  });
  afterAll(async () => {
    await bot.app.close();
    redis.disconnect();
  });

  test('a request with no token gets 401 and leaves no trace in state', async () => {
    const { status } = await post(bot.url, activity());
    expect(status).toBe(401);
    expect(await keysMatching(redis, `${prefix}*`)).toEqual([]);
  });

  test('a request with a forged token gets 401 and leaves no trace in state', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'forged' })}.${encode({
      iss: 'https://api.botframework.com',
      aud: '11111111-2222-3333-4444-555555555555',
      serviceurl: 'http://127.0.0.1:9/',
      nbf: now - 60,
      exp: now + 3600,
    })}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
    const { status } = await post(bot.url, activity(), { authorization: `Bearer ${unsigned}.${signature}` });
    expect(status).toBe(401);
    expect(await keysMatching(redis, `${prefix}*`)).toEqual([]);
  });
});

describe('readiness follows storage', () => {
  test('/readyz answers 503 while Redis is unreachable, /healthz still 200', async () => {
    const bot = await startHttpBot({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    } finally {
      await bot.app.close();
    }
  });
});
