import type { DurableClient } from 'durable-functions';
import type { ScoreJobInput } from '../scoring/jobContracts';
import { modelLabelOf, type JobSpec } from './JobSpec';
import type { JobRecord, JobStore } from './JobStore';

export const scoreJobOrchestrator = 'scoreJob';

/**
 * Starts a scoring job once: the job row is created first (its id is the orchestration's instance
 * id); a second start of the same id finds the row and only makes sure the orchestration exists, so a
 * re-fired trigger or a retried request never runs a job twice.
 */
export async function startScoreJob(
  client: DurableClient,
  jobs: JobStore,
  input: ScoreJobInput,
  inputLabel: string,
): Promise<{ job: JobRecord; created: boolean }> {
  const job: JobRecord = {
    jobId: input.jobId,
    status: 'Queued',
    source: input.source,
    createdTime: new Date().toISOString(),
    input: inputLabel,
    model: modelLabelOf(input.spec),
  };
  const created = await jobs.create(job);
  const existing = created ? undefined : await jobs.get(input.jobId);
  const status = await client.getStatus(input.jobId).catch(() => undefined);
  if (!status?.runtimeStatus) await client.startNew(scoreJobOrchestrator, { instanceId: input.jobId, input });
  return { job: existing ?? job, created };
}

/** Spec for a dropped blob: the model from blob metadata `model`, else its first folder if a model has that name, else the default. */
export function specForBlob(
  container: string,
  name: string,
  metadata: Record<string, string> | undefined,
  isModel: (name: string) => boolean,
  defaultModel: string,
): JobSpec {
  const folder = name.includes('/') ? name.split('/')[0]! : undefined;
  const model = metadata?.model ?? (folder && isModel(folder) ? folder : defaultModel);
  return {
    input: { container, blob: name },
    model,
    output: {},
    errorThreshold: { maxBadRows: -1, maxFailedPartitions: 0 },
    retry: { maxAttempts: 3, firstRetryIntervalMs: 1000 },
  };
}

/**
 * Blob metadata that keeps the blob trigger from scoring an upload: for files uploaded to the input
 * container only to be scored by a job started over POST /api/jobs (with its own options), which would
 * otherwise be scored twice.
 */
export const noAutoScoreMetadata: Readonly<Record<string, string>> = { autoscore: 'false' };

/** Whether a dropped blob's metadata asks the blob trigger not to score it. */
export function skipsAutoScore(metadata: Record<string, string> | undefined): boolean {
  return metadata?.autoscore?.toLowerCase() === 'false';
}
