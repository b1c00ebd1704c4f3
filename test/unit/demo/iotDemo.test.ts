import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseStreamDefinition } from '../../../src/streaming/StreamDefinition';
import { referencePredictions } from '../../support/scoringHarness';

// The IoT demo's pieces: its simulated readings, its window aggregates, and the bundled model trained on
// them, scored by onnxruntime-node in a process of its own.
const repoRoot = path.join(__dirname, '../../..');
const load = createRequire(__filename);
type Reading = Record<string, number | string>;
const { sensorFields, sensorReadings } = load(path.join(repoRoot, 'demo/iot/sensorReadings.js')) as {
  sensorFields: string[];
  sensorReadings: (options: Record<string, unknown>) => Iterable<Reading>;
};
const { windowAggregates } = load(path.join(repoRoot, 'demo/iot/windowAggregates.js')) as {
  windowAggregates: (
    readings: Iterable<Reading>,
    options: { sizeMs: number; features: string[] },
  ) => { windowStartMs: number; deviceId: string; features: Record<string, number> }[];
};
const card = JSON.parse(readFileSync(path.join(repoRoot, 'models/sensor-anomaly/model.json'), 'utf8')) as {
  features: string[];
};
const stream = JSON.parse(readFileSync(path.join(repoRoot, 'demo/iot/streams/sensors.json'), 'utf8')) as {
  features: string[];
};
const options = {
  devices: 40,
  startMs: Date.UTC(2026, 5, 1),
  durationMs: 10 * 60_000,
  seed: 3,
  wearRate: 0.01,
};

test('readings: the same seed gives the same readings, a device and ten numbers every second', () => {
  const first = [...sensorReadings(options)];
  expect([...sensorReadings(options)]).toEqual(first);
  expect(first).toHaveLength(40 * 600);
  expect(first[0]).toEqual({
    deviceId: 'dev-0001',
    timestamp: '2026-06-01T00:00:00.000Z',
    ...Object.fromEntries(sensorFields.map((field) => [field, expect.any(Number)])),
  });
  expect(sensorFields).toHaveLength(10);
  expect(first[40]!.timestamp).toBe('2026-06-01T00:00:01.000Z');
});

test('window aggregates: count, mean, min, max, population std and last per device and window', () => {
  const readings = [
    { deviceId: 'a', timestamp: '2026-06-01T00:00:01Z', temp: 1 },
    { deviceId: 'a', timestamp: '2026-06-01T00:00:09Z', temp: 5 },
    { deviceId: 'a', timestamp: '2026-06-01T00:00:03Z', temp: 3 },
    { deviceId: 'b', timestamp: '2026-06-01T00:00:02Z', temp: 7 },
    { deviceId: 'a', timestamp: '2026-06-01T00:00:10Z', temp: 9 },
  ];
  const features = ['count', 'temp_mean', 'temp_min', 'temp_max', 'temp_std', 'temp_last'];
  const start = Date.UTC(2026, 5, 1);
  expect(windowAggregates(readings, { sizeMs: 10_000, features })).toEqual([
    {
      windowStartMs: start,
      deviceId: 'a',
      features: {
        count: 3,
        temp_mean: 3,
        temp_min: 1,
        temp_max: 5,
        temp_std: expect.closeTo(Math.sqrt(8 / 3), 12),
        temp_last: 5,
      },
    },
    {
      windowStartMs: start,
      deviceId: 'b',
      features: { count: 1, temp_mean: 7, temp_min: 7, temp_max: 7, temp_std: 0, temp_last: 7 },
    },
    {
      windowStartMs: start + 10_000,
      deviceId: 'a',
      features: { count: 1, temp_mean: 9, temp_min: 9, temp_max: 9, temp_std: 0, temp_last: 9 },
    },
  ]);
});

test('the bundled sensor-anomaly model reads the demo stream features and scores worn windows high', () => {
  expect(card.features).toEqual(stream.features);
  expect(parseStreamDefinition(stream, 'sensors.json')).toMatchObject({
    mode: 'window',
    window: { kind: 'tumbling', size: 10_000, eventTime: 'timestamp' },
  });
  const windows = windowAggregates(sensorReadings({ ...options, labels: true }), {
    sizeMs: 10_000,
    features: [...card.features, 'wear_mean'],
  });
  const rows = windows.map((w) => card.features.map((name) => w.features[name]!));
  const scores = referencePredictions(
    path.join(repoRoot, 'models/sensor-anomaly/model.onnx'),
    rows,
  ).variable!;
  const meanScore = (keep: (wear: number) => boolean) => {
    const picked = windows.flatMap((w, i) => (keep(w.features.wear_mean!) ? [scores[i]!] : []));
    expect(picked.length).toBeGreaterThan(10);
    return picked.reduce((a, b) => a + b, 0) / picked.length;
  };
  expect(meanScore((wear) => wear === 0)).toBeLessThan(0.15);
  expect(meanScore((wear) => wear > 0.7)).toBeGreaterThan(0.6);
});
