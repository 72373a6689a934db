import { randomUUID } from 'node:crypto';
import { IssuanceJournal, ISSUANCE_LEASE_MS, MemoryIssuanceJournal, RedisIssuanceJournal } from '../../src/certificates/ca/issuanceJournal';
import { useSharedRedis } from '../support/redisCleanup';

const prefix = `jca-test-journal-${randomUUID()}:`;
const sharedRedis = useSharedRedis(prefix);

/** A lease lapses: by time for the memory journal, by its key expiring in Redis. */
type Lapse = (key: string) => Promise<void>;

let clock = 1_000_000;
const implementations: Array<[string, () => { journal: IssuanceJournal; lapse: Lapse }]> = [
  ['memory', () => ({ journal: new MemoryIssuanceJournal(() => clock), lapse: async () => void (clock += ISSUANCE_LEASE_MS + 1) })],
  [
    'Redis',
    () => ({
      journal: new RedisIssuanceJournal(sharedRedis(), prefix),
      lapse: async (key) => void (await sharedRedis().del(`${prefix}issuance-lease/${key}`)),
    }),
  ],
];

describe.each(implementations)('%s issuance journal', (_name, make) => {
  const start = (owner = `conversation/test/${randomUUID()}`) => ({
    key: randomUUID(),
    customerId: 'customer-hash',
    owner,
    startedAt: Date.now(),
  });

  test('started, issued, delivered: settled once, and its owner has nothing to hear', async () => {
    const { journal } = make();
    const s = start();
    await journal.begin(s);
    expect(await journal.issued(s.key, { serialNumber: '0a1b', fingerprint: 'f'.repeat(64) })).toBe(true);
    expect(await journal.find(s.key)).toEqual(
      expect.objectContaining({ key: s.key, customerId: 'customer-hash', owner: s.owner, serialNumber: '0a1b', leased: true }),
    );
    expect(await journal.settle(s.key, 'delivered')).toBe(true);
    expect(await journal.settle(s.key, 'revoked')).toBe(false);
    await journal.acknowledge(s.owner, [s.key]);
    expect(await journal.ofOwner(s.owner)).toEqual([]);
    expect((await journal.find(s.key))?.outcome).toBe('delivered');
  });

  test('a certificate issued after the issuance was given up on is refused, so the caller revokes it', async () => {
    const { journal } = make();
    const s = start();
    await journal.begin(s);
    expect(await journal.settle(s.key, 'failed')).toBe(true);
    expect(await journal.issued(s.key, { serialNumber: '0c', fingerprint: 'e'.repeat(64) })).toBe(false);
    expect(await journal.issued(randomUUID(), { serialNumber: '0d', fingerprint: 'd'.repeat(64) })).toBe(false);
  });

  test('interrupted: open with a lapsed lease; held ones and settled ones are not', async () => {
    const { journal, lapse } = make();
    const held = start();
    const dropped = start();
    const settled = start();
    for (const s of [held, dropped, settled]) await journal.begin(s);
    await journal.settle(settled.key, 'delivered');
    await journal.renew(held.key);
    await lapse(dropped.key);
    const found = (await journal.interrupted(100)).map((r) => r.key);
    expect(found).toContain(dropped.key);
    expect(found).not.toContain(settled.key);
    // The memory journal's lapse moves the clock for every lease; Redis's drops one lease.
    if (_name === 'Redis') expect(found).not.toContain(held.key);
  });

  test('an owner hears of every issuance not delivered until it acknowledges them', async () => {
    const { journal } = make();
    const owner = `conversation/test/${randomUUID()}`;
    const a = start(owner);
    const b = start(owner);
    await journal.begin(a);
    await journal.begin(b);
    await journal.settle(a.key, 'revoked');
    expect((await journal.ofOwner(owner)).map((r) => [r.key, r.outcome]).sort()).toEqual(
      [
        [a.key, 'revoked'],
        [b.key, undefined],
      ].sort(),
    );
    await journal.acknowledge(owner, [a.key]);
    expect((await journal.ofOwner(owner)).map((r) => r.key)).toEqual([b.key]);
  });
});
