import { metrics, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { meterName } from './telemetryNames';

/** The app's instruments on the `durable-scoring` meter; names, units and attributes in docs/telemetry.md. */
export interface AppMetrics {
  /** Rows scored (attributes `model`, `model.version`). */
  readonly scoredRows: Counter;
  /** Rows per second of one partition's scoring (attributes `model`, `model.version`). */
  readonly partitionThroughput: Histogram;
  /** Seconds from a job's creation to its end (attributes `model`, `status`). */
  readonly jobDuration: Histogram;
  /** Partition attempts after the first (attribute `model`). */
  readonly partitionRetries: Counter;
  /** Seconds a task waited in the worker pool's queue before a thread took it (attribute `worker`). */
  readonly workerQueueLag: Histogram;
  /** Seconds from an event's enqueued time on Event Hubs to its scoring (attribute `stream`). */
  readonly eventLag: Histogram;
  /** PSI of a feature or model output against its baseline (attributes `model`, `model.version`, `feature`, `kind`). */
  readonly driftPsi: Histogram;
  /** Scored jobs and stream windows whose drift breached (attributes `model`, `source`). */
  readonly driftBreaches: Counter;
}

let built: { provider: MeterProvider; metrics: AppMetrics } | undefined;

/**
 * The instruments, made on first use from the meter provider registered then (a meter taken before the
 * SDK starts would stay a no-op, so none is taken at import). Without an SDK they record nothing.
 */
export function appMetrics(): AppMetrics {
  const provider = metrics.getMeterProvider();
  if (built?.provider !== provider) built = { provider, metrics: buildMetrics(provider) };
  return built.metrics;
}

function buildMetrics(provider: MeterProvider): AppMetrics {
  const meter = provider.getMeter(meterName);
  return {
    scoredRows: meter.createCounter('scoring.rows', { description: 'Rows scored', unit: '{row}' }),
    partitionThroughput: meter.createHistogram('scoring.partition.throughput', {
      description: 'Rows per second of one scored partition',
      unit: '{row}/s',
    }),
    jobDuration: meter.createHistogram('scoring.job.duration', {
      description: 'Time from a scoring job’s creation to its end',
      unit: 's',
    }),
    partitionRetries: meter.createCounter('scoring.partition.retries', {
      description: 'Partition attempts after the first',
      unit: '{attempt}',
    }),
    workerQueueLag: meter.createHistogram('worker.queue.lag', {
      description: 'Time a task waited for a worker thread',
      unit: 's',
    }),
    eventLag: meter.createHistogram('streaming.event.lag', {
      description: 'Time from an event’s enqueued time to its scoring',
      unit: 's',
    }),
    driftPsi: meter.createHistogram('drift.psi', {
      description: 'PSI of a feature or model output of a scored job or stream window against its baseline',
    }),
    driftBreaches: meter.createCounter('drift.breaches', {
      description: 'Scored jobs and stream windows whose drift breached',
    }),
  };
}
