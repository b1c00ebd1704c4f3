import { ValidationError } from '../errors';
import type { LiveMetricRow } from './FeedbackStore';
import { emptySums, mergeSums, metricOf, type LiveMetric, type MetricSums } from './liveMetrics';

/** One point of a model's live metric: the rows of one version labelled in one time bucket. */
export interface LiveMetricPoint {
  readonly version: number;
  /** The bucket's start, ISO time. */
  readonly bucket: string;
  readonly n: number;
  readonly value: number;
}

export type LiveMetricBucket = 'hour' | 'day';

/**
 * Sums the stored rows (one per batch, version and hour) into one point per version and bucket,
 * ordered by time then version.
 */
export function liveMetricPoints(
  rows: readonly LiveMetricRow[],
  metric: LiveMetric,
  bucket: LiveMetricBucket,
): LiveMetricPoint[] {
  const groups = new Map<string, { version: number; bucket: string; sums: MetricSums }>();
  for (const row of rows) {
    const start = bucket === 'hour' ? row.bucket : `${row.bucket.slice(0, 10)}T00:00:00.000Z`;
    const key = `${start}|${row.version}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { version: row.version, bucket: start, sums: emptySums() }));
    mergeSums(group.sums, row);
  }
  return [...groups.values()]
    .sort((a, b) => a.bucket.localeCompare(b.bucket) || a.version - b.version)
    .map(({ version, bucket: start, sums }) => ({
      version,
      bucket: start,
      n: sums.n,
      value: metricOf(sums, metric),
    }));
}

/** The metric asked for (`?metric=`), checked against the model's task; default r2 or accuracy. */
export function liveMetricOf(asked: string | null, task: 'regression' | 'classification'): LiveMetric {
  const allowed: readonly LiveMetric[] = task === 'regression' ? ['r2', 'rmse'] : ['accuracy'];
  if (asked === null || asked === '') return allowed[0]!;
  if ((allowed as readonly string[]).includes(asked)) return asked as LiveMetric;
  throw new ValidationError(
    `Query parameter "metric": ${asked.slice(0, 50)} does not apply to a ${task} model; use ${allowed.join(' or ')}.`,
    { field: 'metric' },
  );
}

export function liveMetricBucketOf(asked: string | null): LiveMetricBucket {
  if (asked === null || asked === '' || asked === 'day') return 'day';
  if (asked === 'hour') return 'hour';
  throw new ValidationError(`Query parameter "bucket": must be "day" or "hour".`, { field: 'bucket' });
}
