import {
  assignWindows,
  windowAssigner,
  type WindowShape,
} from '../../../../src/streaming/windows/assignWindows';

const at = (text: string) => Date.parse(text);
const iso = (windows: { start: number; end: number }[]) =>
  windows.map((window) => [new Date(window.start).toISOString(), new Date(window.end).toISOString()]);

test.each<[string, string, string[][]]>([
  ['inside a window', '2026-01-01T10:00:07.500Z', [['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:10.000Z']]],
  ['on its start', '2026-01-01T10:00:10.000Z', [['2026-01-01T10:00:10.000Z', '2026-01-01T10:00:20.000Z']]],
  [
    'just before its end',
    '2026-01-01T10:00:09.999Z',
    [['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:10.000Z']],
  ],
])('a tumbling window holds an event %s', (_, time, expected) => {
  expect(iso(assignWindows(at(time), { kind: 'tumbling', size: 10_000 }))).toEqual(expected);
});

test('a hopping window of 10 s every 5 s puts each event in two windows, earliest first', () => {
  const windows = assignWindows(at('2026-01-01T10:00:07Z'), { kind: 'hopping', size: 10_000, hop: 5_000 });
  expect(iso(windows)).toEqual([
    ['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:10.000Z'],
    ['2026-01-01T10:00:05.000Z', '2026-01-01T10:00:15.000Z'],
  ]);
});

test('a hop that does not divide the size: every window that holds the event, and only those', () => {
  for (const time of [at('2026-01-01T10:00:07Z'), at('2026-01-01T10:00:09Z'), 1_000]) {
    const expected = [];
    for (let start = time - 20_000; start <= time; start++)
      if (start % 3_000 === 0 && start <= time && time < start + 10_000) expected.push(start);
    const windows = assignWindows(time, { kind: 'hopping', size: 10_000, hop: 3_000 });
    expect(windows.map((window) => window.start)).toEqual(expected);
    expect(windows.every((window) => window.end === window.start + 10_000)).toBe(true);
  }
});

test('an event before 1970 still lands in the window that holds it', () => {
  expect(assignWindows(-1, { kind: 'tumbling', size: 1000 })).toEqual([{ start: -1000, end: 0 }]);
});

test.each<[string, WindowShape]>([
  ['tumbling', { kind: 'tumbling', size: 10_000 }],
  ['hopping, a whole number of hops', { kind: 'hopping', size: 10_000, hop: 2_500 }],
  ['hopping, a hop that does not divide the size', { kind: 'hopping', size: 10_000, hop: 3_000 }],
])('windowAssigner gives what assignWindows gives, time after time (%s)', (_name, shape) => {
  const assign = windowAssigner(shape);
  // Up and down across hop and window edges, and before 1970.
  const times = [-7_001, -1, 0, 1, 2_499, 2_500, 2_501, 9_999, 10_000, 3_000, 29_999, 30_000, 12_345, 12_346];
  for (const time of times) expect(assign(time)).toEqual(assignWindows(time, shape));
});
