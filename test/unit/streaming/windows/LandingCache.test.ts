import { LandingCache } from '../../../../src/streaming/windows/LandingCache';
import { jsonLinesOf } from '../../../../src/streaming/formatStreamRows';
import { parseJsonLines } from '../../../../src/streaming/windows/windowBlobs';

import type { LandedEvent } from '../../../../src/streaming/windows/LandedEvent';

/** `count` landed events, numbered from `first`. */
const events = (first: number, count: number): LandedEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    key: 'k',
    partitionId: '0',
    sequenceNumber: first + i,
    eventTime: 0,
    values: { x: i },
  }));

test('a landing is served once, and only when it reaches the listed last sequence number', () => {
  const cache = new LandingCache(1000);
  const a = events(11, 10);
  cache.put('a', 20, a, 60);
  cache.put('b', 10, events(1, 10), 60);
  expect(cache.take('a', 15)).toEqual(a);
  expect(cache.take('a', 15)).toBeUndefined();
  // Listed longer than this process wrote it (another process wrote it again, longer): read the blob.
  expect(cache.take('b', 11)).toBeUndefined();
  expect(cache.bytes).toBe(0);
});

test('a landing written again replaces the first, and the oldest go when the cache is full', () => {
  // Each landing counts twice its blob's bytes (the objects take more memory than their JSON).
  const cache = new LandingCache(20);
  cache.put('a', 1, events(1, 1), 4);
  const again = events(1, 2);
  cache.put('a', 2, again, 4);
  expect(cache.take('a', 2)).toBe(again);
  cache.put('a', 2, again, 4);
  cache.put('b', 3, events(3, 1), 4);
  cache.put('c', 4, events(4, 1), 4);
  cache.put('big', 5, events(5, 1), 11);
  expect(cache.bytes).toBe(16);
  expect(cache.take('a', 1)).toBeUndefined();
  expect(cache.take('big', 5)).toBeUndefined();
  expect(cache.take('b', 3)?.[0]?.sequenceNumber).toBe(3);
  expect(cache.take('c', 4)?.[0]?.sequenceNumber).toBe(4);
});

test('JSON Lines read back as written, newlines in strings included', () => {
  const rows = [{ key: 'a\nb', values: { x: 1.5 } }, { key: 2, values: {} }, 'text'];
  expect(parseJsonLines(jsonLinesOf(rows).toString())).toEqual(rows);
  expect(parseJsonLines('')).toEqual([]);
  expect(parseJsonLines('{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
});
