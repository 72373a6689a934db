import Redis from 'ioredis';
import { startBotProcess, runBotProcessToExit } from '../support/botProcess';
import { activity, post } from '../support/httpBot';
import { startRedisServer, TestRedisServer } from '../support/redisServer';

describe('configuration is checked once, at start', () => {
  test.each([
    ['PORT', { PORT: 'eighty' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['MicrosoftAppType', { MicrosoftAppType: 'Sometimes' }],
    ['MicrosoftAppPassword', { MicrosoftAppId: '11111111-2222-3333-4444-555555555555' }],
    ['STATE_TTL_SECONDS', { STATE_TTL_SECONDS: '-5' }],
  ])('a bad %s stops the process with a message naming it', async (variable, env) => {
    const { code, output } = await runBotProcessToExit(env);
    expect(code).not.toBe(0);
    expect(output).toContain(variable);
  });
});

describe('SIGTERM', () => {
  let redisServer: TestRedisServer;
  beforeAll(async () => {
    redisServer = await startRedisServer(['--enable-debug-command', 'yes']);
  });
  afterAll(() => redisServer.stop());

  test('finishes the turn in flight, closes Redis and exits 0', async () => {
    const bot = await startBotProcess({ REDIS_URL: redisServer.url, REDIS_COMMAND_TIMEOUT_MS: '5000' });
    expect((await post(bot.url, activity({ conversation: { id: 'sigterm' } }))).status).toBe(200);

    // Redis stalls for a moment, so the next turn is still in flight when SIGTERM arrives.
    const admin = new Redis(redisServer.url);
    const stall = admin.call('DEBUG', 'SLEEP', '1');
    await new Promise((r) => setTimeout(r, 100));
    const inFlight = post(bot.url, activity({ conversation: { id: 'sigterm' }, text: '재발급' }));
    await new Promise((r) => setTimeout(r, 200));
    bot.child.kill('SIGTERM');

    const { status, body } = await inFlight;
    expect(status).toBe(200);
    expect(body.activities[0].text).toContain('본인 인증');
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('"msg":"stopped"');
    await stall;
    admin.disconnect();
  });
});
