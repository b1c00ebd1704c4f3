import { LruCache } from '../../../../src/runtime/inference/LruCache';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond capacity, counting reads as use', () => {
    const evicted: string[] = [];
    const cache = new LruCache<number>(2, (value, key) => evicted.push(`${key}=${value}`));
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(evicted).toEqual(['b=2']);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('releases a value replaced under the same key', () => {
    const evicted: number[] = [];
    const cache = new LruCache<number>(2, (value) => evicted.push(value));
    cache.set('a', 1);
    cache.set('a', 2);
    expect(evicted).toEqual([1]);
    expect(cache.get('a')).toBe(2);
  });

  it('keeps the summed weight within maxWeight, least recently used out first, the weighed entry kept', () => {
    const evicted: string[] = [];
    const cache = new LruCache<number>(10, (_value, key) => evicted.push(key), 250);
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    cache.weigh('a', 1, 100);
    cache.weigh('b', 1, 100);
    expect(cache.get('a')).toBe(1); // b is now the least recently used
    cache.weigh('c', 1, 100);
    expect(evicted).toEqual(['b']);
    expect(cache.weight).toBe(200);
    cache.weigh('c', 1, 1000); // heavier than the bound alone: everything else goes, c stays
    expect(evicted).toEqual(['b', 'a']);
    expect(cache.keys()).toEqual(['c']);
    expect(cache.weight).toBe(1000);
    cache.weigh('c', 2, 5); // not the value c holds: ignored
    cache.delete('c');
    expect(cache.weight).toBe(0);
  });

  it.each([0, -1, NaN])('refuses capacity %p', (capacity) => {
    expect(() => new LruCache(capacity)).toThrow(`LruCache capacity must be at least 1, got ${capacity}`);
  });
});
