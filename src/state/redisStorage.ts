import { randomUUID } from 'node:crypto';
import type { StoreItems } from 'botbuilder';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logging/logger';
import type { ListAppend, StateStorage } from './stateStorage';
import { parseStored } from './storedJson';

export interface RedisStorageOptions {
  /** Prepended to every key, e.g. `jca:state:`. */
  prefix: string;
  /** Every write (re)sets this time to live; state that nobody writes for this long disappears. */
  ttlSeconds: number;
  logger: Logger;
}

/** What is stored under each key: the item's eTag and the item without it. */
const storedValueSchema = z.object({ e: z.string(), d: z.record(z.unknown()) });

/**
 * Writes all items or none, atomically, in one round trip, and appends to capped lists with them.
 * KEYS: the items' prefixed keys, then the lists'. ARGV[1]: TTL in ms; ARGV[2]: how many items.
 * Then per item: the expected eTag ('' = write unconditionally) and the new value. Then per list:
 * its cap, how many values, and the values. Returns 0 when written, else the 1-based index of the
 * first item whose stored eTag differs from the expected one (nothing is written then).
 * A stored value that is not ours (corrupt) has no eTag and counts as missing, as on read.
 */
const WRITE_SCRIPT = `
local ttl = ARGV[1]
local items = tonumber(ARGV[2])
for i = 1, items do
  local expected = ARGV[1 + 2 * i]
  if expected ~= '' then
    local current = redis.call('GET', KEYS[i])
    if current then
      local ok, parsed = pcall(cjson.decode, current)
      if ok and type(parsed) == 'table' and type(parsed.e) == 'string' and type(parsed.d) == 'table'
        and parsed.e ~= expected then
        return i
      end
    end
  end
end
for i = 1, items do
  redis.call('SET', KEYS[i], ARGV[2 + 2 * i], 'PX', ttl)
end
local at = 3 + 2 * items
for j = items + 1, #KEYS do
  local cap = tonumber(ARGV[at])
  local count = tonumber(ARGV[at + 1])
  redis.call('RPUSH', KEYS[j], unpack(ARGV, at + 2, at + 1 + count))
  redis.call('LTRIM', KEYS[j], -cap, -1)
  redis.call('PEXPIRE', KEYS[j], ttl)
  at = at + 2 + count
end
return 0
`;

const WRITE_COMMAND = 'botStorageWrite';

interface WithWriteCommand {
  [WRITE_COMMAND](numKeys: number, ...args: (string | number)[]): Promise<number>;
}

/**
 * botbuilder `Storage` on Redis, with the same contract as botbuilder's `MemoryStorage`:
 * missing keys are left out of a read; every write gives the item a fresh eTag; a write with
 * eTag `*` or none overwrites; a write with an eTag that differs from the stored one fails
 * with an "eTag conflict" error; a write with an eTag onto a missing key succeeds.
 *
 * Unlike `MemoryStorage`, a write of several items is all or nothing: if one conflicts,
 * none is written. Redis errors (down, timeout) are not caught: they reject.
 */
export class RedisStorage implements StateStorage {
  private readonly redis: Redis & WithWriteCommand;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly logger: Logger;

  constructor(redis: Redis, options: RedisStorageOptions) {
    if (!(options.ttlSeconds > 0)) throw new RangeError('ttlSeconds must be positive');
    // EVALSHA with a fallback to EVAL when the server lost its script cache (e.g. a restart).
    redis.defineCommand(WRITE_COMMAND, { lua: WRITE_SCRIPT });
    this.redis = redis as Redis & WithWriteCommand;
    this.prefix = options.prefix;
    this.ttlMs = Math.round(options.ttlSeconds * 1000);
    this.logger = options.logger;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    const values = await this.redis.mget(keys.map((key) => this.prefix + key));
    const items: StoreItems = {};
    keys.forEach((key, i) => {
      const value = values[i];
      if (value === null || value === undefined) return;
      const item = this.parse(key, value);
      if (item) items[key] = item;
    });
    return items;
  }

  async write(changes: StoreItems, appends: readonly ListAppend[] = []): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const keys = Object.keys(changes);
    const lists = appends.filter((list) => list.values.length > 0);
    if (keys.length === 0 && lists.length === 0) return;
    const args: (string | number)[] = [this.ttlMs, keys.length];
    for (const key of keys) {
      const { eTag, ...document } = changes[key] as { eTag?: unknown };
      const expected = !eTag || eTag === '*' ? '' : String(eTag);
      args.push(expected, JSON.stringify({ e: randomUUID(), d: document }));
    }
    for (const list of lists) args.push(list.cap, list.values.length, ...list.values);
    const prefixed = [...keys, ...lists.map((list) => list.key)].map((key) => this.prefix + key);
    const conflict = await this.redis[WRITE_COMMAND](prefixed.length, ...prefixed, ...args);
    if (conflict !== 0) {
      // Same wording as MemoryStorage, so callers can recognize it the same way.
      throw new Error(`Storage: error writing "${keys[conflict - 1]}" due to eTag conflict.`);
    }
  }

  async readList(key: string): Promise<string[]> {
    return this.redis.lrange(this.prefix + key, 0, -1);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.del(keys.map((key) => this.prefix + key));
  }

  /** A value that is not ours is treated as missing; the value itself is never logged. */
  private parse(key: string, value: string): StoreItems[string] | undefined {
    const stored = parseStored(storedValueSchema, value);
    if (stored === undefined) {
      this.logger.warn({ key }, 'corrupt state value ignored');
      return undefined;
    }
    return { ...stored.d, eTag: stored.e };
  }
}
