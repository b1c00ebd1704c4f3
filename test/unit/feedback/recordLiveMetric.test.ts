import { metrics } from '@opentelemetry/api';
import {
  InMemoryMetricExporter,
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { addToSums, emptySums, metricOf } from '../../../src/feedback/liveMetrics';
import { recordLiveMetric } from '../../../src/feedback/recordLiveMetric';

describe('recordLiveMetric', () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });

  beforeAll(() => metrics.setGlobalMeterProvider(provider));
  afterAll(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  it('records the gauge model.live.r2 per version with the model and version attributes', async () => {
    const first = emptySums();
    const second = emptySums();
    for (const [y, p] of [
      [1, 1.5],
      [2, 2],
      [3, 2.5],
    ])
      addToSums(first, String(y), String(p), 'regression');
    addToSums(second, '4', '1', 'regression');
    addToSums(second, '6', '5', 'regression');
    recordLiveMetric(
      'diabetes',
      new Map([
        [1, first],
        [2, second],
      ]),
      'r2',
    );
    await reader.forceFlush();
    const metric = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics)
      .filter((scope) => scope.scope.name === 'durable-scoring')
      .flatMap((scope) => scope.metrics)
      .find((found) => found.descriptor.name === 'model.live.r2');
    expect(metric?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([
      [{ model: 'diabetes', 'model.version': '1' }, metricOf(first, 'r2')],
      [{ model: 'diabetes', 'model.version': '2' }, metricOf(second, 'r2')],
    ]);
  });
});
