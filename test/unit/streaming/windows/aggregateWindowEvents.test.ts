import { aggregateWindowEvents } from '../../../../src/streaming/windows/aggregateWindowEvents';
import type { LandedEvent } from '../../../../src/streaming/windows/LandedEvent';

const features = ['count', 'temp_mean', 'temp_min', 'temp_max', 'temp_std', 'temp_last', 'rpm_mean'];

function event(key: string, partitionId: string, sequenceNumber: number, eventTime: number, temp: number) {
  return { key, partitionId, sequenceNumber, eventTime, values: { temp, rpm: temp * 10 } };
}

/** The same figures the plain way: two passes over each key's values. */
function reference(events: LandedEvent[]) {
  const byKey = new Map<string, LandedEvent[]>();
  for (const e of events) byKey.set(e.key as string, [...(byKey.get(e.key as string) ?? []), e]);
  return [...byKey.keys()].sort().map((key) => {
    const own = byKey.get(key)!;
    const temps = own.map((e) => e.values.temp!);
    const mean = temps.reduce((a, b) => a + b, 0) / temps.length;
    const variance = temps.reduce((sum, t) => sum + (t - mean) ** 2, 0) / temps.length;
    const latest = [...own].sort((a, b) => a.eventTime - b.eventTime).at(-1)!;
    return {
      key,
      count: own.length,
      temp_mean: mean,
      temp_min: Math.min(...temps),
      temp_max: Math.max(...temps),
      temp_std: Math.sqrt(variance),
      temp_last: latest.values.temp,
      rpm_mean: own.reduce((a, e) => a + e.values.rpm!, 0) / own.length,
    };
  });
}

test('per-key count, mean, min, max, std, last equal a direct computation', () => {
  const events: LandedEvent[] = [];
  for (let n = 0; n < 300; n++)
    events.push(event(`d${n % 7}`, String(n % 2), n, 1_000_000 + ((n * 7919) % 1000), 20 + Math.sin(n) * 5));
  const result = aggregateWindowEvents(events, features);
  expect(result).toMatchObject({ eventsIn: 300, duplicates: 0 });
  const expected = reference(events);
  expect(result.rows.map((row) => row.key)).toEqual(expected.map((row) => row.key));
  result.rows.forEach((row, index) => {
    const { key, ...figures } = expected[index]!;
    expect(Object.keys(row.features)).toEqual(features);
    for (const [name, value] of Object.entries(figures)) expect(row.features[name]).toBeCloseTo(value!, 9);
    expect(row.key).toBe(key);
  });
});

test('an event landed twice (a batch delivered again) counts once, whatever the landing order', () => {
  const first = [event('a', '0', 1, 10, 1), event('a', '0', 2, 20, 3), event('b', '1', 1, 15, 8)];
  const redelivered = [event('a', '0', 2, 20, 3), event('a', '0', 3, 30, 5)];
  const forward = aggregateWindowEvents([...first, ...redelivered], features);
  const backward = aggregateWindowEvents([...redelivered, ...first].reverse(), features);
  expect(forward).toEqual(backward);
  expect(forward).toMatchObject({ eventsIn: 4, duplicates: 1 });
  expect(forward.rows[0]).toEqual({
    key: 'a',
    features: {
      count: 3,
      temp_mean: 3,
      temp_min: 1,
      temp_max: 5,
      temp_std: Math.sqrt(8 / 3),
      temp_last: 5,
      rpm_mean: 30,
    },
  });
});

test('"last" breaks a tie in event time by partition, then sequence number', () => {
  const tied = [event('a', '10', 1, 50, 1), event('a', '9', 7, 50, 2), event('a', '10', 0, 50, 3)];
  expect(aggregateWindowEvents(tied, ['temp_last']).rows[0]!.features.temp_last).toBe(1);
  expect(aggregateWindowEvents([...tied].reverse(), ['temp_last']).rows[0]!.features.temp_last).toBe(1);
});

test('a single event has a std of 0; keys of any JSON type keep their type', () => {
  const result = aggregateWindowEvents([{ ...event('x', '0', 1, 1, 4), key: 42 }], ['count', 'temp_std']);
  expect(result.rows).toEqual([{ key: 42, features: { count: 1, temp_std: 0 } }]);
});
