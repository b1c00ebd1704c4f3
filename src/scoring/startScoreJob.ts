import type { DurableClient } from 'durable-functions';
import { currentTraceParent, jobIdAttribute, withSpan } from '../telemetry';
import type { ScoreJobInput } from './jobContracts';
import type { JobRecord, JobStore } from './JobStore';
import { modelLabelOf } from './resolveJobSpec';

export const scoreJobOrchestrator = 'scoreJob';

/**
 * Starts a scoring job once: the job row is created first (its id is the orchestration's instance
 * id); a second start of the same id finds the row and only makes sure the orchestration exists, so a
 * re-fired trigger or a retried request never runs a job twice. The job's span (`scoring job`, a child
 * of the request's or the trigger's) travels in the orchestration's input as its `traceparent`.
 */
export function startScoreJob(
  client: DurableClient,
  jobs: JobStore,
  input: ScoreJobInput,
): Promise<{ job: JobRecord; created: boolean }> {
  const attributes = { [jobIdAttribute]: input.jobId, 'job.source': input.source };
  return withSpan('scoring job', { attributes }, () =>
    startOnce(client, jobs, { ...input, ...currentTraceParent() }),
  );
}

async function startOnce(
  client: DurableClient,
  jobs: JobStore,
  input: ScoreJobInput,
): Promise<{ job: JobRecord; created: boolean }> {
  const { spec } = input;
  const job: JobRecord = {
    jobId: input.jobId,
    status: 'Queued',
    source: input.source,
    createdTime: new Date().toISOString(),
    input: `${spec.input.container}/${spec.input.blob}`,
    model: modelLabelOf(spec.model),
  };
  const created = await jobs.create(job);
  const existing = created ? undefined : await jobs.get(input.jobId);
  const status = await client.getStatus(input.jobId).catch(() => undefined);
  if (!status?.runtimeStatus) await client.startNew(scoreJobOrchestrator, { instanceId: input.jobId, input });
  return { job: existing ?? job, created };
}
