import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { NotFoundError, ValidationError } from '../../errors';
import { checkModelName } from '../../runtime/models/ModelCard';
import { parseRetrainOverrides } from './RetrainDeclaration';
import type { RetrainInput } from './retrainContracts';
import type { RetrainServices } from './RetrainServices';
import { newRunId, startRetrain } from './startRetrain';
import { withErrorResponses } from '../../http/withErrorResponses';
import { topParameter } from '../../http/topParameter';

/**
 * POST /api/models/{name}/retrain with an optional JSON body `{ reason, policy, holdout, alphas, l2 }`
 * (this run only): 202 with the run id and the URL of the run.
 */
export function requestRetrain(
  name: string,
  request: HttpRequest,
  client: DurableClient,
  services: RetrainServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name);
    const text = await request.text();
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new ValidationError('The request body must be JSON (or empty).');
    }
    const overrides = parseRetrainOverrides(body);
    if (!(await services.store.hasModel(name)))
      throw new NotFoundError(`Model "${name}" is not registered or bundled.`);
    const input: RetrainInput = {
      runId: newRunId(name, new Date()),
      model: name,
      trigger: 'http',
      overrides,
    };
    await startRetrain(client, input);
    const url = new URL(
      `runs/${input.runId}`,
      `${request.url.replace(/\/retrain\/?(\?.*)?$/, '')}/`,
    ).toString();
    return {
      status: 202,
      headers: { location: url },
      jsonBody: { runId: input.runId, model: name, status: 'Running', statusUrl: url },
    };
  });
}

/** GET /api/models/{name}/runs/{runId}: the run's row, where it is, and its full report once it ended. */
export function getRun(
  name: string,
  runId: string,
  client: DurableClient,
  services: RetrainServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name);
    const [row, instance] = await Promise.all([
      services.runs.get(name, runId),
      client.getStatus(runId).catch(() => undefined),
    ]);
    const input = instance?.input as Partial<RetrainInput> | undefined;
    if (!row && input?.model !== name) throw new NotFoundError(`Model "${name}" has no run "${runId}".`);
    const report = row && row.status !== 'Running' ? await services.runs.report(name, runId) : undefined;
    return {
      status: 200,
      jsonBody: {
        ...(row ?? { runId, model: name, status: 'Running' }),
        runtimeStatus: instance?.runtimeStatus,
        step: (instance?.customStatus as { step?: string } | null | undefined)?.step,
        report,
      },
    };
  });
}

/** GET /api/models/{name}/runs?top=: the model's runs, newest first. */
export function listRuns(
  name: string,
  request: HttpRequest,
  services: RetrainServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name);
    const top = topParameter(request, 50);
    return { status: 200, jsonBody: await services.runs.list(name, top) };
  });
}
