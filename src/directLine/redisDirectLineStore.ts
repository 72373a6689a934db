import { ExpiringRedisStore } from '../state/expiringRedisStore';
import {
  activityIdOf,
  ActivityPage,
  ConversationRecord,
  DirectLineStore,
  KEPT_ACTIVITIES,
  NewConversation,
  sequenceOf,
  StoredActivity,
} from './directLineStore';

// Keys of one conversation share a {hash tag}, so the scripts below also run on Redis Cluster.
// The log is a list of `<sequence>\n<json>` entries in sequence order, with no gaps: the
// position of an activity is its sequence minus the first entry's, whatever was trimmed.

/** Numbers and logs an activity atomically, so concurrent writers never interleave out of order. */
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('RPUSH', KEYS[2], seq .. '\\n' .. ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return seq`;

/** The entries after a watermark, found by position rather than by scanning the log. */
const READ_AFTER = `
local first = redis.call('LINDEX', KEYS[1], 0)
if not first then return {} end
local start = tonumber(ARGV[1]) - tonumber(string.match(first, '^(%d+)')) + 1
if start < 0 then start = 0 end
return redis.call('LRANGE', KEYS[1], start, -1)`;

/** Rewrites one entry only if it is still what the caller read (a compare-and-set). */
const SWAP = `
local first = redis.call('LINDEX', KEYS[1], 0)
if not first then return 0 end
local index = tonumber(ARGV[1]) - tonumber(string.match(first, '^(%d+)'))
if index < 0 then return 0 end
if redis.call('LINDEX', KEYS[1], index) ~= ARGV[2] then return 0 end
redis.call('LSET', KEYS[1], index, ARGV[3])
return 1`;

/** Sets `started` once, and never on a conversation that expired (HSETNX would recreate it without a TTL). */
const MARK_STARTED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local first = redis.call('HSETNX', KEYS[1], 'started', '1')
redis.call('EXPIRE', KEYS[1], ARGV[1])
return first`;

/** Conversations in Redis, shared by every instance, so a reconnect may land anywhere. */
export class RedisDirectLineStore extends ExpiringRedisStore implements DirectLineStore {
  async create(conversation: NewConversation): Promise<void> {
    const key = this.conversationKey(conversation.id);
    const { sessionEndsAt, customer } = conversation;
    await this.redis
      .multi()
      .hset(key, {
        user: conversation.userId,
        created: String(conversation.createdAt),
        seq: '0',
        ...(sessionEndsAt === undefined ? {} : { session: String(sessionEndsAt) }),
        ...(customer === undefined ? {} : { customer }),
      })
      .expire(key, this.keyspace.ttlSeconds)
      .exec();
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    const fields = await this.redis.hgetall(this.conversationKey(id));
    if (fields.user === undefined) return undefined;
    return {
      id,
      userId: fields.user,
      createdAt: Number(fields.created),
      started: fields.started === '1',
      ...(fields.session === undefined ? {} : { sessionEndsAt: Number(fields.session) }),
      ...(fields.customer === undefined ? {} : { customer: fields.customer }),
    };
  }

  async remove(id: string): Promise<void> {
    await this.redis.del(this.conversationKey(id), this.logKey(id));
  }

  async markStarted(id: string): Promise<boolean> {
    return (await this.redis.eval(MARK_STARTED, 1, this.conversationKey(id), String(this.keyspace.ttlSeconds))) === 1;
  }

  async touch(id: string): Promise<void> {
    await this.redis
      .multi()
      .expire(this.conversationKey(id), this.keyspace.ttlSeconds)
      .expire(this.logKey(id), this.keyspace.ttlSeconds)
      .exec();
  }

  async append(id: string, activity: Record<string, unknown>): Promise<StoredActivity | undefined> {
    const json = JSON.stringify(withoutId(activity));
    const keys = [this.conversationKey(id), this.logKey(id)];
    const sequence = Number(
      await this.redis.eval(APPEND, keys.length, ...keys, json, String(this.keyspace.ttlSeconds), String(KEPT_ACTIVITIES)),
    );
    return sequence === 0 ? undefined : { ...(JSON.parse(json) as Record<string, unknown>), id: activityIdOf(id, sequence) };
  }

  async read(id: string, after: number): Promise<ActivityPage> {
    const entries = (await this.redis.eval(READ_AFTER, 1, this.logKey(id), String(after))) as string[];
    const activities = entries.map((entry) => parseEntry(id, entry)).filter((a) => a.sequence > after);
    return { activities: activities.map((a) => a.activity), watermark: activities.at(-1)?.sequence ?? after };
  }

  async replace(id: string, activityId: string, change: (activity: StoredActivity) => Record<string, unknown>): Promise<boolean> {
    const sequence = sequenceOf(id, activityId);
    if (sequence === undefined) return false;
    const [entry] = (await this.redis.eval(READ_AFTER, 1, this.logKey(id), String(sequence - 1))) as string[];
    if (entry === undefined || parseEntry(id, entry).sequence !== sequence) return false;
    const next = `${sequence}\n${JSON.stringify(withoutId(change(parseEntry(id, entry).activity)))}`;
    return (await this.redis.eval(SWAP, 1, this.logKey(id), String(sequence), entry, next)) === 1;
  }

  private conversationKey(id: string): string {
    return `${this.keyspace.prefix}directline:{${id}}`;
  }

  private logKey(id: string): string {
    return `${this.keyspace.prefix}directline:{${id}}:log`;
  }
}

function parseEntry(conversationId: string, entry: string): { sequence: number; activity: StoredActivity } {
  const newline = entry.indexOf('\n');
  const sequence = Number(entry.slice(0, newline));
  return {
    sequence,
    activity: { ...(JSON.parse(entry.slice(newline + 1)) as Record<string, unknown>), id: activityIdOf(conversationId, sequence) },
  };
}

/** The id is the entry's sequence; storing it too could only let the two disagree. */
function withoutId(activity: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...rest } = activity;
  return rest;
}
