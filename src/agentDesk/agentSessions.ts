import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AGENT_ID_PATTERN } from '../config/agents';
import { ExpiringMap } from '../state/expiringMap';
import { ExpiringRedisStore } from '../state/expiringRedisStore';
import { parseStored } from '../state/storedJson';

/** A signed-in agent's session, found by the bearer token that `create` handed out. */
export interface AgentSessions {
  /** A new session for the agent; the token is returned once and stored only as its hash. */
  create(agentId: string): Promise<string>;
  /** The session's agent, or undefined for an unknown, expired, revoked or malformed token. */
  find(token: string): Promise<{ agentId: string } | undefined>;
  /** Ends the session; unknown tokens are ignored. */
  revoke(token: string): Promise<void>;
}

/** 32 random bytes in base64url without padding: always 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isSessionTokenShaped(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A copy of the store (a Redis dump, a backup) gives no usable token: only hashes are kept. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const storedSessionSchema = z.object({
  agentId: z.string().regex(AGENT_ID_PATTERN),
  createdAt: z.number().finite(),
});

/** Shared by every instance, so an agent stays signed in whichever instance answers. */
export class RedisAgentSessions extends ExpiringRedisStore implements AgentSessions {
  async create(agentId: string): Promise<string> {
    const token = newToken();
    const value = JSON.stringify({ agentId, createdAt: Date.now() });
    // The session ends by itself: a fixed lifetime from sign-in, not renewed by use.
    await this.redis.set(this.key(token), value, 'EX', this.keyspace.ttlSeconds);
    return token;
  }

  async find(token: string): Promise<{ agentId: string } | undefined> {
    // Malformed tokens never reach Redis.
    if (!isSessionTokenShaped(token)) return undefined;
    const session = parseStored(storedSessionSchema, await this.redis.get(this.key(token)));
    return session === undefined ? undefined : { agentId: session.agentId };
  }

  async revoke(token: string): Promise<void> {
    if (!isSessionTokenShaped(token)) return;
    await this.redis.del(this.key(token));
  }

  private key(token: string): string {
    return `${this.keyspace.prefix}agent-session:${tokenHash(token)}`;
  }
}

/** For a single instance without Redis. Expired sessions are dropped as they are met. */
export class MemoryAgentSessions implements AgentSessions {
  /** Token hash → agent id. */
  private readonly sessions: ExpiringMap<string, string>;

  constructor(options: { ttlSeconds: number; now?: () => number }) {
    this.sessions = new ExpiringMap(options);
  }

  async create(agentId: string): Promise<string> {
    const token = newToken();
    this.sessions.set(tokenHash(token), agentId);
    return token;
  }

  async find(token: string): Promise<{ agentId: string } | undefined> {
    if (!isSessionTokenShaped(token)) return undefined;
    const agentId = this.sessions.get(tokenHash(token));
    return agentId === undefined ? undefined : { agentId };
  }

  async revoke(token: string): Promise<void> {
    this.sessions.delete(tokenHash(token));
  }

  /** How many sessions are live (for metrics and tests). */
  get size(): number {
    return this.sessions.size;
  }
}
