import type { ManyModelsTrainingServices } from '../ManyModelsTrainingServices';
import type {
  FinishTrainManyInput,
  MetricSummary,
  TrainedKey,
  TrainManyReport,
  TrainManyStatus,
} from '../trainManyContracts';

/** Summarises the run (status, metrics over the keys, durations), writes the report blob and returns it. */
export async function finishTrainMany(
  input: FinishTrainManyInput,
  services: ManyModelsTrainingServices,
): Promise<TrainManyReport> {
  const path = `many-models/${input.model}/${input.runId}.json`;
  const report: TrainManyReport = {
    ...input,
    status: statusOf(input),
    keys: {
      total: input.trained.length + input.failed.length,
      trained: input.trained.length,
      failed: input.failed.length,
    },
    metrics: summariseMetrics(input.trained),
    durations: {
      totalMs: Date.parse(input.completedAt) - Date.parse(input.startedAt),
      keysMs: input.trained.reduce((sum, key) => sum + key.durationMs, 0),
      slowestKeyMs: input.trained.reduce((max, key) => Math.max(max, key.durationMs), 0),
    },
    reportBlob: `${services.reportsContainer}/${path}`,
  };
  const container = await services.storage.ensureContainer(services.reportsContainer);
  await container.getBlockBlobClient(path).uploadData(Buffer.from(`${JSON.stringify(report, null, 2)}\n`), {
    blobHTTPHeaders: { blobContentType: 'application/json' },
  });
  return report;
}

function statusOf(input: FinishTrainManyInput): TrainManyStatus {
  if (input.reason !== undefined || input.trained.length === 0) return 'Failed';
  return input.failed.length === 0 ? 'Succeeded' : 'PartiallySucceeded';
}

/** Mean, median, min and max of each holdout metric over the keys that have it. */
export function summariseMetrics(trained: readonly TrainedKey[]): Record<string, MetricSummary> {
  const byMetric = new Map<string, number[]>();
  for (const key of trained) {
    for (const [name, value] of Object.entries(key.metrics)) {
      if (!Number.isFinite(value)) continue;
      const values = byMetric.get(name);
      if (values) values.push(value);
      else byMetric.set(name, [value]);
    }
  }
  const summary: Record<string, MetricSummary> = {};
  for (const [name, values] of [...byMetric].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    summary[name] = {
      keys: sorted.length,
      mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
      median:
        sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2,
      min: sorted[0]!,
      max: sorted.at(-1)!,
    };
  }
  return summary;
}
