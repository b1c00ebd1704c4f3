import path from 'node:path';
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { WorkerPool, type WorkerModule } from '../../../../src/runtime/workers/WorkerPool';
import { withSpan } from '../../../../src/telemetry';

const probe: WorkerModule = {
  directory: path.join(__dirname, '../../../fixtures/workers'),
  name: 'probeWorker',
  label: 'probe worker',
};

const spans = new InMemorySpanExporter();
const tracing = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
const meters = new MeterProvider({ readers: [reader] });
const pool = new WorkerPool({ size: 1 });

beforeAll(() => {
  tracing.register();
  metrics.setGlobalMeterProvider(meters);
});

afterAll(async () => {
  await pool.close();
  await Promise.all([tracing.shutdown(), meters.shutdown()]);
  trace.disable();
  metrics.disable();
});

describe('pool tasks in telemetry', () => {
  it('records a task as a child span of the active one, from the times its thread ran it', async () => {
    const traceParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const before = Date.now();
    await withSpan('partition', { parent: { traceParent } }, async () => {
      // One thread: the second task waits for the first, and its span starts when the thread took it.
      await Promise.all([
        pool.run(probe, { kind: 'wait', ms: 150 }, { span: { name: 'inference', attributes: { n: 1 } } }),
        pool.run(probe, { kind: 'wait', ms: 20 }, { span: { name: 'inference', attributes: { n: 2 } } }),
      ]);
    });
    const finished = spans.getFinishedSpans();
    const partition = finished.find((span) => span.name === 'partition')!;
    expect(partition.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(partition.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const [first, second] = [1, 2].map((n) => finished.find((span) => span.attributes.n === n)!);
    for (const span of [first!, second!]) {
      expect(span.name).toBe('inference');
      expect(span.parentSpanContext?.spanId).toBe(partition.spanContext().spanId);
      expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    }
    const ms = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
    expect(ms(first!.startTime)).toBeGreaterThanOrEqual(before - 5);
    expect(ms(first!.endTime) - ms(first!.startTime)).toBeGreaterThanOrEqual(145);
    expect(ms(second!.startTime)).toBeGreaterThanOrEqual(ms(first!.endTime) - 5);
    expect(second!.attributes['worker.queue.lag_s']).toBeGreaterThanOrEqual(0.14);

    await reader.forceFlush();
    const points = metricExporter
      .getMetrics()
      .at(-1)!
      .scopeMetrics.flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'worker.queue.lag')!.dataPoints;
    expect(points).toHaveLength(1);
    expect(points[0]!.attributes).toEqual({ worker: 'probeWorker' });
    expect(points[0]!.value).toMatchObject({ count: 2 });
  });

  it('records no span for a task outside a trace', async () => {
    spans.reset();
    await pool.run(probe, { kind: 'wait', ms: 1 }, { span: { name: 'inference' } });
    expect(spans.getFinishedSpans()).toEqual([]);
  });
});
