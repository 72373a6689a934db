/**
 * Drill 5: Redis stalls (`DEBUG SLEEP 20` on a redis-server of the drill's own). Turns fail fast
 * with the apology well inside a channel's 15 s budget (every command gives up after
 * REDIS_COMMAND_TIMEOUT_MS, 2 s by default), liveness answers at once, readiness says unready,
 * and once Redis answers again the conversation continues at its saved step: nothing hangs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { HttpCustomer } from '../support/httpCustomer';
import { RunningBot, startHttpBot } from '../support/httpBot';
import { eventually, expectReply, promptOf } from '../support/httpJourneys';
import { pingOnce, startRedisServer, TestRedisServer } from '../support/redisServer';

jest.setTimeout(90_000);

const CHANNEL_BUDGET_MS = 15_000;
/** The waiting customer's answer at the secure step: a fresh link to the page. */
const REOPEN = promptOf('secureStep.reopen');
let redisServer: TestRedisServer;
let caDir: string;
let bot: RunningBot;
const customers: HttpCustomer[] = [];

beforeAll(async () => {
  caDir = mkdtempSync(join(tmpdir(), 'jca-drill-ca-'));
  redisServer = await startRedisServer(['--enable-debug-command', 'yes']);
  // REDIS_COMMAND_TIMEOUT_MS is left at its default: the drill checks the shipped setting.
  bot = await startHttpBot({ REDIS_URL: redisServer.url, STATE_KEY_PREFIX: 'drill-slow:', CA_DIR: caDir });
});

afterAll(async () => {
  await Promise.all(customers.map((c) => c.close()));
  await redisServer?.stop();
  await bot?.app.close();
  rmSync(caDir, { recursive: true, force: true });
});

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

test('a stalled Redis: every turn gets the apology within the budget, probes answer, and the conversation resumes afterwards', async () => {
  const waiting = await HttpCustomer.start();
  customers.push(waiting);
  expectReply(await waiting.say(bot.url, '인증서 발급'), 'secureStep.open.identity');

  const admin = new Redis(redisServer.url);
  const stall = admin.call('DEBUG', 'SLEEP', '20').catch(() => undefined);
  // Redis is stalled once a raw PING goes unanswered.
  await eventually(async () => ((await pingOnce(redisServer.port)) ? undefined : true), 5_000, 'Redis to stall');

  // Several customers at once, new and in the middle of a journey: all answered, none waits on Redis.
  const others = await Promise.all(Array.from({ length: 4 }, () => HttpCustomer.start()));
  customers.push(...others);
  const turns = await Promise.all([waiting.say(bot.url, REOPEN), ...others.map((c) => c.say(bot.url, '안녕하세요'))].map(timed));
  for (const { value, ms } of turns) {
    expect(value).toHaveLength(1);
    expect(value[0]).toContain('문의 번호');
    expect(ms).toBeLessThan(CHANNEL_BUDGET_MS);
  }
  process.stdout.write(`turns answered during the stall in ${turns.map((t) => t.ms).join(', ')} ms\n`);
  const liveness = await timed(fetch(`${bot.url}/healthz`));
  expect(liveness.value.status).toBe(200);
  expect(liveness.ms).toBeLessThan(1_000);
  const readiness = await timed(fetch(`${bot.url}/readyz`));
  expect(readiness.value.status).toBe(503);
  expect(readiness.ms).toBeLessThan(CHANNEL_BUDGET_MS);

  // Redis wakes up: ready again, and the waiting customer continues where the state was saved.
  await stall;
  admin.disconnect();
  await eventually(async () => ((await fetch(`${bot.url}/readyz`)).status === 200 ? true : undefined), 15_000, 'the bot to be ready again');
  expectReply(await waiting.say(bot.url, REOPEN), 'secureStep.open.identity');
});
