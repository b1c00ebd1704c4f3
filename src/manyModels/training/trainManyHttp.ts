import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { OrchestrationRuntimeStatus, type DurableClient } from 'durable-functions';
import { NotFoundError, ValidationError } from '../../errors';
import { newRunId } from '../../training';
import { parseTrainManyRequest } from './parseTrainManyRequest';
import {
  chunkInstanceId,
  trainManyOrchestrator,
  type ChunkStatus,
  type TrainManyInput,
  type TrainManyProgress,
} from './trainManyContracts';
import { withErrorResponses } from '../../http/withErrorResponses';
import type { DataContainers } from '../../storage/DataContainers';

/**
 * POST /api/many-models/train: starts a `trainMany` run (202 with its id and status URL). With
 * `keys: [{...}]` only those keys are trained, e.g. the failed keys of an earlier run's report.
 */
export function requestTrainMany(
  request: HttpRequest,
  client: DurableClient,
  containers: DataContainers,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      throw new ValidationError('The request body must be JSON.');
    }
    const parsed = parseTrainManyRequest(body);
    containers.checkRead(parsed.dataset.container, 'dataset.container');
    const runId = newRunId(`train-${parsed.model}`, new Date());
    const input: TrainManyInput = { runId, ...parsed };
    await client.startNew(trainManyOrchestrator, { instanceId: runId, input });
    const statusUrl = `${request.url.replace(/\/?(\?.*)?$/, '')}/${runId}`;
    return {
      status: 202,
      headers: { location: statusUrl },
      jsonBody: { runId, model: parsed.model, status: 'Running', statusUrl },
    };
  });
}

/**
 * GET /api/many-models/train/{runId}: where the run is, and its report once it has ended. Once the keys
 * are listed, `progress` adds up the chunks' counts (keys trained and failed so far, chunks finished)
 * for runs of up to 200 chunks.
 */
export function getTrainMany(runId: string, client: DurableClient): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const status = await client.getStatus(runId).catch(() => undefined);
    const input = status?.input as Partial<TrainManyInput> | undefined;
    if (!status?.runtimeStatus || input?.dataset === undefined || input.runId !== runId)
      throw new NotFoundError(`There is no many-models training run "${runId}".`);
    return {
      status: 200,
      jsonBody: {
        runId,
        model: input.model,
        runtimeStatus: status.runtimeStatus,
        progress: await progressOf(client, runId, status.customStatus),
        report: status.output ?? undefined,
      },
    };
  });
}

const maxChunksSummed = 200;

async function progressOf(client: DurableClient, runId: string, customStatus: unknown): Promise<unknown> {
  const run = customStatus as Partial<TrainManyProgress> | null | undefined;
  // One status read per chunk: a run cut into very many chunks shows its step only.
  if (typeof run?.chunks !== 'number' || run.chunks > maxChunksSummed) return customStatus ?? undefined;
  const chunks = await Promise.all(
    Array.from({ length: run.chunks }, (_, index) =>
      client.getStatus(chunkInstanceId(runId, index), { showInput: false }).catch(() => undefined),
    ),
  );
  let trained = 0;
  let failed = 0;
  let chunksDone = 0;
  for (const chunk of chunks) {
    const counts = chunk?.customStatus as Partial<ChunkStatus> | null | undefined;
    trained += counts?.trained ?? 0;
    failed += counts?.failed ?? 0;
    if (chunk?.runtimeStatus === OrchestrationRuntimeStatus.Completed) chunksDone += 1;
  }
  return { ...run, trained, failed, chunksDone };
}
