import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { z } from 'zod';
import { BroadcastChannel, MemoryBroadcast, RedisBroadcast, RedisPubSub } from '../../src/state/broadcast';
import { eventually } from '../support/httpJourneys';
import { SHARED_REDIS_URL } from '../support/sharedRedis';

interface Note {
  readonly topic: string;
  readonly n: number;
}
const NOTES: BroadcastChannel<Note> = {
  name: 'test:notes',
  schema: z.object({ topic: z.string(), n: z.number() }),
  topicOf: (note) => note.topic,
};

/** Every note a listener heard, in order. */
function heard(broadcast: MemoryBroadcast<Note> | RedisBroadcast<Note>, topic?: string): Note[] {
  const notes: Note[] = [];
  broadcast.subscribe((note) => notes.push(note), topic);
  return notes;
}

describe('MemoryBroadcast', () => {
  test('a listener hears its topic, or every message without one, until it stops', async () => {
    const broadcast = new MemoryBroadcast(NOTES);
    const all = heard(broadcast);
    const a: Note[] = [];
    const stop = broadcast.subscribe((note) => a.push(note), 'a');
    await broadcast.publish({ topic: 'a', n: 1 });
    await broadcast.publish({ topic: 'b', n: 2 });
    stop();
    await broadcast.publish({ topic: 'a', n: 3 });
    expect(a).toEqual([{ topic: 'a', n: 1 }]);
    expect(all.map((note) => note.n)).toEqual([1, 2, 3]);
  });
});

describe('RedisBroadcast: two instances on one Redis', () => {
  const prefix = `test:broadcast:${randomBytes(6).toString('hex')}:`;
  const clients: Redis[] = [];
  const pubSubs: RedisPubSub[] = [];
  let one: RedisBroadcast<Note>;
  let two: RedisBroadcast<Note>;

  const instance = (): RedisBroadcast<Note> => {
    const client = new Redis(SHARED_REDIS_URL);
    const pubSub = new RedisPubSub(client, prefix);
    clients.push(client);
    pubSubs.push(pubSub);
    return new RedisBroadcast(pubSub, NOTES);
  };

  /** Until each instance hears the other: a subscription is set up once its connection is ready. */
  async function connected(from: RedisBroadcast<Note>, to: RedisBroadcast<Note>): Promise<void> {
    const warm = heard(to, 'warm-up');
    await eventually(async () => {
      await from.publish({ topic: 'warm-up', n: 0 });
      return warm.length > 0;
    });
  }

  beforeAll(async () => {
    one = instance();
    two = instance();
    await connected(one, two);
    await connected(two, one);
  });
  afterAll(() => {
    for (const pubSub of pubSubs) pubSub.close();
    for (const client of clients) client.disconnect();
  });

  test('what one instance publishes reaches the listeners of both, each once', async () => {
    const onOne = heard(one, 'x');
    const onTwo = heard(two, 'x');
    await one.publish({ topic: 'x', n: 1 });
    // Delivered on the publishing instance at once, without waiting for Redis.
    expect(onOne).toEqual([{ topic: 'x', n: 1 }]);
    await eventually(() => onTwo.length > 0);
    // Redis delivers in order: once the reply is back, the first message's own copy has come back to `one` too.
    await two.publish({ topic: 'x', n: 2 });
    await eventually(() => onOne.length > 1);
    expect(onOne.map((note) => note.n)).toEqual([1, 2]);
    expect(onTwo.map((note) => note.n)).toEqual([1, 2]);
  });

  test("a message that is not JSON, or not of the channel's shape, is dropped", async () => {
    const onTwo = heard(two, 'y');
    const admin = clients[0] as Redis;
    await admin.publish(`${prefix}${NOTES.name}`, 'not json');
    await admin.publish(`${prefix}${NOTES.name}`, JSON.stringify({ origin: 'elsewhere', message: { topic: 'y', n: 'one' } }));
    await admin.publish(`${prefix}${NOTES.name}`, JSON.stringify({ topic: 'y', n: 1 }));
    await one.publish({ topic: 'y', n: 2 });
    await eventually(() => onTwo.length > 0);
    expect(onTwo).toEqual([{ topic: 'y', n: 2 }]);
  });

  test('one channel has one listener per instance', () => {
    expect(() => new RedisBroadcast(pubSubs[0] as RedisPubSub, NOTES)).toThrow(/listened to already/);
  });
});
