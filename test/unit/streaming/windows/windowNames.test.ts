import { landingOf, windowBlobNames, windowInstanceId } from '../../../../src/streaming/windows/windowNames';

const stream = { outputs: { folder: 'streams/sensors', format: 'csv' as const } };
const start = Date.parse('2026-03-04T05:06:10Z');

test('landings and late events are named by window, partition and first sequence number', () => {
  const names = windowBlobNames(stream, start);
  expect(names.landing('3', 1234)).toBe(
    'streams/sensors/_landing/001772600770000/3/00000000000000001234.jsonl',
  );
  expect(names.landing('3', 1234).startsWith(names.landings)).toBe(true);
  expect(names.late('3', 1234)).toBe('streams/sensors/_late/001772600770000/3/00000000000000001234.jsonl');
  expect(landingOf(names.landing('3', 1234))).toEqual({ partitionId: '3', firstSequence: 1234 });
});

test('outputs and alerts are partitioned by the window start date and hour (UTC)', () => {
  const names = windowBlobNames(stream, start);
  expect(names.output).toBe('streams/sensors/2026-03-04/05/2026-03-04T05:06:10.000Z.csv');
  expect(names.alerts).toBe('streams/sensors/_alerts/2026-03-04/05/2026-03-04T05:06:10.000Z.jsonl');
  expect(names.manifest).toBe('streams/sensors/_windows/001772600770000.json');
  expect(names.featureShard(2)).toBe('streams/sensors/_work/001772600770000/features-00002.json');
});

test('a window has one orchestration instance id, sortable by time', () => {
  expect(windowInstanceId('sensors', start)).toBe('stream-sensors-001772600770000');
  expect(windowInstanceId('sensors', 5000) < windowInstanceId('sensors', start)).toBe(true);
});

test('a re-opened window version has its own instance, output, alerts and work files; one manifest', () => {
  const names = windowBlobNames(stream, start, 2);
  expect(windowInstanceId('sensors', start, 2)).toBe('stream-sensors-001772600770000-v2');
  expect(windowInstanceId('sensors', start, 1)).toBe(windowInstanceId('sensors', start));
  expect(names.output).toBe('streams/sensors/2026-03-04/05/2026-03-04T05:06:10.000Z.v2.csv');
  expect(names.alerts).toBe('streams/sensors/_alerts/2026-03-04/05/2026-03-04T05:06:10.000Z.v2.jsonl');
  expect(names.featureShard(0)).toBe('streams/sensors/_work/001772600770000.v2/features-00000.json');
  // Version 1 deletes its work folder by prefix: it must not hold version 2's.
  expect(names.featureShard(0).startsWith('streams/sensors/_work/001772600770000/')).toBe(false);
  expect(names.manifest).toBe(windowBlobNames(stream, start).manifest);
});
