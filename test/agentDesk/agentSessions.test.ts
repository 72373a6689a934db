import { createHash, randomBytes } from 'node:crypto';
import { AgentSessions, MemoryAgentSessions, RedisAgentSessions } from '../../src/agentDesk/agentSessions';
import { keysMatching, useSharedRedis } from '../support/redisCleanup';

const PREFIX = `test:agent-sessions:${randomBytes(6).toString('hex')}:`;
const sharedRedis = useSharedRedis(PREFIX);
const keyOf = (token: string): string => `${PREFIX}agent-session:${createHash('sha256').update(token).digest('hex')}`;
const forgedToken = (): string => randomBytes(32).toString('base64url');

describe.each([
  ['Redis', (): AgentSessions => new RedisAgentSessions(sharedRedis(), { prefix: PREFIX, ttlSeconds: 600 })],
  ['memory', (): AgentSessions => new MemoryAgentSessions({ ttlSeconds: 600 })],
])('%s agent sessions', (_name, make) => {
  test('a created session is found by its token, for its agent', async () => {
    const sessions = make();
    const token = await sessions.create('kim');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.find(token)).toEqual({ agentId: 'kim' });
  });

  test('every session gets its own token', async () => {
    const sessions = make();
    const [a, b] = await Promise.all([sessions.create('kim'), sessions.create('kim')]);
    expect(a).not.toBe(b);
  });

  test('a forged or malformed token finds nothing', async () => {
    const sessions = make();
    await sessions.create('kim');
    expect(await sessions.find(forgedToken())).toBeUndefined();
    expect(await sessions.find('')).toBeUndefined();
    expect(await sessions.find('not a token')).toBeUndefined();
    expect(await sessions.find(`${forgedToken()}x`)).toBeUndefined();
  });

  test('a revoked session is gone; revoking twice or an unknown token is harmless', async () => {
    const sessions = make();
    const token = await sessions.create('kim');
    const other = await sessions.create('lee');
    await sessions.revoke(token);
    expect(await sessions.find(token)).toBeUndefined();
    expect(await sessions.find(other)).toEqual({ agentId: 'lee' });
    await sessions.revoke(token);
    await sessions.revoke(forgedToken());
    await sessions.revoke('garbage');
  });
});

describe('RedisAgentSessions', () => {
  const make = (ttlSeconds = 600): RedisAgentSessions => new RedisAgentSessions(sharedRedis(), { prefix: PREFIX, ttlSeconds });

  test('stores only the sha256 of the token as the key, with the agent and the creation time', async () => {
    const before = Date.now();
    const token = await make().create('kim');
    const stored = await sharedRedis().get(keyOf(token));
    expect(stored).not.toBeNull();
    expect(JSON.parse(stored as string)).toEqual({ agentId: 'kim', createdAt: expect.any(Number) });
    expect(JSON.parse(stored as string).createdAt).toBeGreaterThanOrEqual(before);
    const everything = await keysMatching(sharedRedis(), `${PREFIX}*`);
    expect(everything.some((key) => key.includes(token))).toBe(false);
    expect(stored).not.toContain(token);
  });

  test('the session expires after ttlSeconds, and using it does not extend it', async () => {
    const sessions = make(900);
    const token = await sessions.create('kim');
    const ttl = await sharedRedis().ttl(keyOf(token));
    expect(ttl).toBeGreaterThan(890);
    expect(ttl).toBeLessThanOrEqual(900);
    await sharedRedis().expire(keyOf(token), 100);
    await sessions.find(token);
    expect(await sharedRedis().ttl(keyOf(token))).toBeLessThanOrEqual(100);
  });

  test('once Redis has expired the key, the token finds nothing', async () => {
    const sessions = make();
    const token = await sessions.create('kim');
    // EXPIRE with 0 expires the key at once: what Redis does when the TTL runs out, without waiting.
    await sharedRedis().expire(keyOf(token), 0);
    expect(await sessions.find(token)).toBeUndefined();
  });

  test.each([
    ['not JSON', 'kim'],
    ['JSON of another shape', '{"agent":"kim"}'],
    ['an agent id that is not one', '{"agentId":"Kim Admin","createdAt":1}'],
    ['a creation time that is not a number', '{"agentId":"kim","createdAt":"yesterday"}'],
    ['JSON null', 'null'],
  ])('a stored value that is %s is no session', async (_name, value) => {
    const token = forgedToken();
    await sharedRedis().set(keyOf(token), value, 'EX', 60);
    expect(await make().find(token)).toBeUndefined();
  });

  test('refuses a TTL that is not a positive whole number of seconds', () => {
    expect(() => make(0)).toThrow(RangeError);
    expect(() => make(1.5)).toThrow(RangeError);
  });
});

describe('MemoryAgentSessions', () => {
  test('a session lives exactly ttlSeconds on the injected clock', async () => {
    let now = 1_000_000;
    const sessions = new MemoryAgentSessions({ ttlSeconds: 60, now: () => now });
    const token = await sessions.create('kim');
    now += 59_999;
    expect(await sessions.find(token)).toEqual({ agentId: 'kim' });
    now += 1;
    expect(await sessions.find(token)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  test('expired sessions are dropped, live ones kept', async () => {
    let now = 0;
    const sessions = new MemoryAgentSessions({ ttlSeconds: 10, now: () => now });
    await sessions.create('kim');
    now += 5_000;
    const later = await sessions.create('lee');
    now += 6_000;
    expect(sessions.size).toBe(1);
    expect(await sessions.find(later)).toEqual({ agentId: 'lee' });
  });
});
