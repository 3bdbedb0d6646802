import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../src/domain/shared/lruCache.js';

describe('LruCache', () => {
  it('keeps at most its limit, dropping the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('counts a rewrite as a use, not a new entry, and forgets deleted entries', () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, 'one');
    cache.set(2, 'two');
    cache.set(1, 'uno');
    cache.set(3, 'three');
    expect([cache.get(1), cache.get(2), cache.get(3)]).toEqual(['uno', undefined, 'three']);
    expect(cache.delete(1)).toBe(true);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('refuses a limit below one', () => {
    expect(() => new LruCache(0)).toThrow(/at least one entry/);
  });
});
