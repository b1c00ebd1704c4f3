import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { NotFoundError, ValidationError } from '../../errors';
import { newRunId } from '../../training/retrain/startRetrain';
import { parseTrainManyRequest } from './parseTrainManyRequest';
import { trainManyOrchestrator, type TrainManyInput } from './trainManyContracts';
import { withErrorResponses } from '../../http/withErrorResponses';

/**
 * POST /api/many-models/train: starts a `trainMany` run (202 with its id and status URL). With
 * `keys: [{...}]` only those keys are trained, e.g. the failed keys of an earlier run's report.
 */
export function requestTrainMany(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      throw new ValidationError('The request body must be JSON.');
    }
    const parsed = parseTrainManyRequest(body);
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

/** GET /api/many-models/train/{runId}: where the run is, and its report once it has ended. */
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
        progress: status.customStatus ?? undefined,
        report: status.output ?? undefined,
      },
    };
  });
}
