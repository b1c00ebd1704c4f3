import { OrchestrationRuntimeStatus, type DurableClient } from 'durable-functions';
import type { DataContainers } from '../../storage/DataContainers';
import { scheduledRunId, scheduleOccurrence } from '../../training';
import type { TrainManyDeclaration } from './TrainManyDeclaration';
import { trainManyOrchestrator, type TrainManyInput } from './trainManyContracts';

export interface ScheduledTrainMany {
  readonly occurrence: Date;
  readonly runId: string;
  /** started; existing: this occurrence's run exists (a re-fired timer); skipped: see `reason`. */
  readonly outcome: 'started' | 'existing' | 'skipped';
  readonly reason?: string;
}

/**
 * Starts the declared data set's `trainMany` for one schedule occurrence, under a run id naming the
 * model and the occurrence (`train-<model>-scheduled-<time>`), so a re-fired timer starts nothing
 * twice. Skipped while another run of the model is still running (a slow run is not overlapped by the
 * next day's, whose gate would compare against a production set that is still changing), or when the
 * data set's container is not one the app may read.
 */
export async function startScheduledTrainMany(
  client: DurableClient,
  declaration: TrainManyDeclaration,
  containers: DataContainers,
  scheduleNext: string | undefined,
  now: Date,
): Promise<ScheduledTrainMany> {
  const { request } = declaration;
  const occurrence = scheduleOccurrence(scheduleNext, now);
  const runId = scheduledRunId(`train-${request.model}`, occurrence);
  const result = (outcome: ScheduledTrainMany['outcome'], reason?: string): ScheduledTrainMany => ({
    occurrence,
    runId,
    outcome,
    ...(reason === undefined ? {} : { reason }),
  });
  const status = await client.getStatus(runId).catch(() => undefined);
  if (status?.runtimeStatus) return result('existing');
  try {
    containers.checkRead(request.dataset.container, 'dataset.container');
  } catch (error) {
    return result('skipped', `${declaration.file}: ${(error as Error).message}`);
  }
  const running = await client.getStatusBy({
    runtimeStatus: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending],
  });
  const other = running.find(
    (instance) =>
      instance.name === trainManyOrchestrator &&
      (instance.input as Partial<TrainManyInput> | undefined)?.model === request.model,
  );
  if (other) return result('skipped', `run ${other.instanceId} of ${request.model} is still running`);
  const input: TrainManyInput = { runId, ...request, trigger: 'schedule', requestedBy: 'schedule' };
  await client.startNew(trainManyOrchestrator, { instanceId: runId, input });
  return result('started');
}
