// Preloaded into a test host (NODE_OPTIONS=--require) when DURABLE_SCORING_TEST_TELEMETRY_DIR is set:
// registers OpenTelemetry providers with in-memory exporters before the app loads, as an SDK set up by
// the platform would be, and writes what they hold to that folder for the test to read:
// spans-<pid>.jsonl (one finished span a line) and metrics-<pid>.json (the latest cumulative values).
const { writeFileSync, appendFileSync } = require('node:fs');
const path = require('node:path');
const { isMainThread } = require('node:worker_threads');

const dir = process.env.DURABLE_SCORING_TEST_TELEMETRY_DIR;
if (dir && isMainThread) {
  const { metrics } = require('@opentelemetry/api');
  const { InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-node');
  const {
    AggregationTemporality,
    DataPointType,
    InMemoryMetricExporter,
    MeterProvider,
    PeriodicExportingMetricReader,
  } = require('@opentelemetry/sdk-metrics');

  const spansFile = path.join(dir, `spans-${process.pid}.jsonl`);
  const metricsFile = path.join(dir, `metrics-${process.pid}.json`);
  const hrToMs = ([seconds, nanos]) => seconds * 1e3 + nanos / 1e6;

  class SpanFileExporter extends InMemorySpanExporter {
    export(spans, done) {
      super.export(spans, done);
      const lines = spans.map((span) =>
        JSON.stringify({
          name: span.name,
          kind: span.kind,
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parentSpanId: span.parentSpanContext?.spanId,
          scope: span.instrumentationScope.name,
          attributes: span.attributes,
          startMs: hrToMs(span.startTime),
          endMs: hrToMs(span.endTime),
        }),
      );
      appendFileSync(spansFile, lines.map((line) => line + '\n').join(''));
    }
  }

  class MetricFileExporter extends InMemoryMetricExporter {
    export(resourceMetrics, done) {
      super.export(resourceMetrics, done);
      const values = {};
      for (const scope of resourceMetrics.scopeMetrics)
        for (const metric of scope.metrics)
          values[metric.descriptor.name] = metric.dataPoints.map((point) => ({
            attributes: point.attributes,
            value:
              metric.dataPointType === DataPointType.HISTOGRAM
                ? { count: point.value.count, sum: point.value.sum }
                : point.value,
          }));
      writeFileSync(metricsFile, JSON.stringify(values));
    }
  }

  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new SpanFileExporter())] }).register();
  const reader = new PeriodicExportingMetricReader({
    exporter: new MetricFileExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 200,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
}
