import { metrics } from '@opentelemetry/api';
import { meterName } from '../telemetry';
import { metricOf, type LiveMetric, type MetricSums } from './liveMetrics';

/**
 * A batch's metric per version as the OpenTelemetry gauge `model.live.<metric>` (meter
 * `durable-scoring`, attributes `model` and `model.version`), exported by the app's meter provider.
 */
export function recordLiveMetric(
  model: string,
  sums: ReadonlyMap<number, MetricSums>,
  metric: LiveMetric,
): void {
  // Looked up when used: a meter provider registered after this module loaded is the one that counts.
  const gauge = metrics.getMeter(meterName).createGauge(`model.live.${metric}`, {
    description: `The ${metric} of a feedback batch's labelled rows, per model version.`,
  });
  for (const [version, sum] of sums)
    gauge.record(metricOf(sum, metric), { model, 'model.version': String(version) });
}
