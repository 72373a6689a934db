import { ExpiringMap } from '../../src/state/expiringMap';

describe('ExpiringMap', () => {
  test('an entry lives ttlSeconds from when it was last set or renewed', () => {
    let now = 0;
    const map = new ExpiringMap<string, number>({ ttlSeconds: 10, now: () => now });
    map.set('a', 1);
    map.set('b', 2);
    now = 6_000;
    expect(map.renew('a')).toBe(true);
    now = 10_000;
    expect(map.get('a')).toBe(1);
    expect(map.get('b')).toBeUndefined();
    expect(map.renew('b')).toBe(false);
    now = 16_000;
    expect(map.has('a')).toBe(false);
    expect(map.size).toBe(0);
  });

  test('past maxEntries the oldest entry goes', () => {
    const map = new ExpiringMap<string, number>({ ttlSeconds: 60, maxEntries: 2, now: () => 0 });
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    map.set('c', 4);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([3, undefined, 4]);
  });

  test('refuses a TTL that is not positive', () => {
    expect(() => new ExpiringMap({ ttlSeconds: 0 })).toThrow(RangeError);
  });
});
