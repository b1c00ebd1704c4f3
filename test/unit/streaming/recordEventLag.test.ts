import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  MetricReader,
  MeterProvider,
} from '@opentelemetry/sdk-metrics';
import { recordEventLag } from '../../../src/streaming/recordEventLag';

/** A reader the test collects from when it wants (no export interval). */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush = () => Promise.resolve();
  protected override onShutdown = () => Promise.resolve();
}

const reader = new TestReader();
const meters = new MeterProvider({ readers: [reader] });

beforeAll(() => metrics.setGlobalMeterProvider(meters));
afterAll(async () => {
  await meters.shutdown();
  metrics.disable();
});

it('records each event’s seconds from its enqueued time to its handling, by stream', async () => {
  const handled = Date.parse('2026-12-07T10:00:10.000Z');
  const event = (sequenceNumber: number, enqueuedTimeUtc: string) => ({
    body: {},
    sequenceNumber,
    enqueuedTimeUtc,
  });
  recordEventLag(
    'sensors',
    {
      partitionId: '0',
      events: [event(1, '2026-12-07T10:00:00.000Z'), event(2, '2026-12-07T10:00:08.500Z'), event(3, '')],
    },
    handled,
  );
  const { resourceMetrics } = await reader.collect();
  const lag = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === 'streaming.event.lag')!;
  expect(lag.descriptor.unit).toBe('s');
  expect(lag.dataPointType).toBe(DataPointType.HISTOGRAM);
  expect(lag.dataPoints).toHaveLength(1);
  expect(lag.dataPoints[0]!.attributes).toEqual({ stream: 'sensors' });
  expect(lag.dataPoints[0]!.value).toMatchObject({ count: 2, sum: 11.5, min: 1.5, max: 10 });
});
