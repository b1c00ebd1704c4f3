import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { NotFoundError } from '../../../errors';
import { withErrorResponses } from '../../../http/withErrorResponses';
import { checkModelName } from '../../../runtime/models/ModelCard';
import type { RetrainServices } from '../RetrainServices';
import { topParameter } from '../../../http/topParameter';

/** GET /api/models/{name}/data-checks?top=: the model's data checks of new training data, newest first. */
export function listDataChecks(
  name: string,
  request: HttpRequest,
  services: RetrainServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name);
    const top = topParameter(request, 50);
    return { status: 200, jsonBody: await services.dataChecks.list(name, top) };
  });
}

/** GET /api/models/{name}/data-checks/{checkId}: the check's row and its full report. */
export function getDataCheck(
  name: string,
  checkId: string,
  services: RetrainServices,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name);
    const row = await services.dataChecks.get(name, checkId);
    if (!row) throw new NotFoundError(`Model "${name}" has no data check "${checkId}".`);
    return { status: 200, jsonBody: { ...row, report: await services.dataChecks.report(name, checkId) } };
  });
}
