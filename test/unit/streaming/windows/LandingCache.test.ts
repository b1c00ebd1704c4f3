import { LandingCache } from '../../../../src/streaming/windows/LandingCache';
import { jsonLinesOf } from '../../../../src/streaming/formatStreamRows';
import { parseJsonLines } from '../../../../src/streaming/windows/windowBlobs';

const body = (text: string) => Buffer.from(text);

test('a landing is served once, and only when it reaches the listed last sequence number', () => {
  const cache = new LandingCache(1000);
  cache.put('a', 20, body('twenty'));
  cache.put('b', 10, body('ten'));
  expect(cache.take('a', 15)?.toString()).toBe('twenty');
  expect(cache.take('a', 15)).toBeUndefined();
  // Listed longer than this process wrote it (another process wrote it again, longer): read the blob.
  expect(cache.take('b', 11)).toBeUndefined();
  expect(cache.bytes).toBe(0);
});

test('a landing written again replaces the first body, and the oldest go when the cache is full', () => {
  const cache = new LandingCache(10);
  cache.put('a', 1, body('1234'));
  cache.put('a', 2, body('5678'));
  cache.put('b', 3, body('abcd'));
  cache.put('c', 4, body('efgh'));
  cache.put('big', 5, body('x'.repeat(11)));
  expect(cache.bytes).toBe(8);
  expect(cache.take('a', 1)).toBeUndefined();
  expect(cache.take('big', 5)).toBeUndefined();
  expect(cache.take('b', 3)?.toString()).toBe('abcd');
  expect(cache.take('c', 4)?.toString()).toBe('efgh');
});

test('JSON Lines read back as written, newlines in strings included', () => {
  const rows = [{ key: 'a\nb', values: { x: 1.5 } }, { key: 2, values: {} }, 'text'];
  expect(parseJsonLines(jsonLinesOf(rows).toString())).toEqual(rows);
  expect(parseJsonLines('')).toEqual([]);
  expect(parseJsonLines('{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
});
