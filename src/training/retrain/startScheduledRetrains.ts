import type { DurableClient } from 'durable-functions';
import { modelsToRetrain } from './modelsToRetrain';
import type { RetrainServices } from './RetrainServices';
import { scheduledRunId, scheduleOccurrence, startRetrain } from './startRetrain';

export interface ScheduledRetrains {
  readonly occurrence: Date;
  readonly started: string[];
  /** Runs of this occurrence that existed already (a re-fired timer). */
  readonly existing: string[];
  readonly skipped: { name: string; reason: string }[];
}

/** Starts one `retrain` per model whose card declares a training source, once per schedule occurrence. */
export async function startScheduledRetrains(
  client: DurableClient,
  services: RetrainServices,
  scheduleNext: string | undefined,
  now: Date,
): Promise<ScheduledRetrains> {
  const occurrence = scheduleOccurrence(scheduleNext, now);
  const { names, skipped } = await modelsToRetrain(services.registry, services.config.modelsDirectory);
  const started: string[] = [];
  const existing: string[] = [];
  for (const model of names) {
    const runId = scheduledRunId(model, occurrence);
    const created = await startRetrain(client, { runId, model, trigger: 'schedule' });
    (created ? started : existing).push(runId);
  }
  return { occurrence, started, existing, skipped };
}
