import { createHash, randomBytes } from 'node:crypto';
import { RedisExpiringKeys } from '../state/expiringKeys';
import { z } from 'zod';
import { AGENT_ID_PATTERN } from './agentAccounts';

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
export class RedisAgentSessions extends RedisExpiringKeys implements AgentSessions {
  async create(agentId: string): Promise<string> {
    const token = newToken();
    const value = JSON.stringify({ agentId, createdAt: Date.now() });
    // The session ends by itself: a fixed lifetime from sign-in, not renewed by use.
    await this.redis.set(this.key(token), value, 'EX', this.keys.ttlSeconds);
    return token;
  }

  async find(token: string): Promise<{ agentId: string } | undefined> {
    // Malformed tokens never reach Redis.
    if (!isSessionTokenShaped(token)) return undefined;
    const value = await this.redis.get(this.key(token));
    if (value === null) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      return undefined;
    }
    const parsed = storedSessionSchema.safeParse(json);
    return parsed.success ? { agentId: parsed.data.agentId } : undefined;
  }

  async revoke(token: string): Promise<void> {
    if (!isSessionTokenShaped(token)) return;
    await this.redis.del(this.key(token));
  }

  private key(token: string): string {
    return `${this.keys.prefix}agent-session:${tokenHash(token)}`;
  }
}

/** For a single instance without Redis. Expired sessions are dropped as they are met. */
export class MemoryAgentSessions implements AgentSessions {
  /** Token hash → session. A Map iterates in insertion order, and every session has the same TTL. */
  private readonly sessions = new Map<string, { agentId: string; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: { ttlSeconds: number; now?: () => number }) {
    if (!(options.ttlSeconds > 0)) throw new RangeError('ttlSeconds must be positive');
    this.ttlMs = options.ttlSeconds * 1000;
    this.now = options.now ?? Date.now;
  }

  async create(agentId: string): Promise<string> {
    this.pruneExpired();
    const token = newToken();
    this.sessions.set(tokenHash(token), { agentId, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  async find(token: string): Promise<{ agentId: string } | undefined> {
    if (!isSessionTokenShaped(token)) return undefined;
    this.pruneExpired();
    const session = this.sessions.get(tokenHash(token));
    return session === undefined ? undefined : { agentId: session.agentId };
  }

  async revoke(token: string): Promise<void> {
    this.sessions.delete(tokenHash(token));
  }

  /** How many sessions are live (for metrics and tests). */
  get size(): number {
    this.pruneExpired();
    return this.sessions.size;
  }

  /** Insertion order is expiry order: stop at the first live session. */
  private pruneExpired(): void {
    const now = this.now();
    for (const [hash, session] of this.sessions) {
      if (session.expiresAt > now) return;
      this.sessions.delete(hash);
    }
  }
}
