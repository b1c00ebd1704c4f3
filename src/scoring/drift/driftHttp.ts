import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ValidationError } from '../../errors';
import { withErrorResponses } from '../../http/withErrorResponses';
import { checkModelName } from '../../runtime/models/ModelCard';
import type { DriftStore } from '../../runtime/drift/DriftStore';
import { readDriftHistory } from './readDriftHistory';
import { topParameter } from '../../http/topParameter';

/**
 * GET /api/models/{name}/drift?from=&to=&top=: the model's drift records (jobs, and stream windows),
 * oldest first, each with its per-feature PSI, KS and status. An unknown model has no records.
 */
export async function getModelDrift(
  name: string,
  request: HttpRequest,
  drift: DriftStore,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    checkModelName(name);
    const from = timeParameter(request, 'from');
    const to = timeParameter(request, 'to');
    const top = topParameter(request, 100);
    const records = await readDriftHistory(drift, name, { from, to, top });
    return { status: 200, jsonBody: { model: name, records } };
  });
}

/** An ISO time (a date alone is that day's midnight UTC), normalized so it compares as stored. */
function timeParameter(request: HttpRequest, field: 'from' | 'to'): string | undefined {
  const value = request.query.get(field);
  if (value === null || value === '') return undefined;
  const time = Date.parse(value);
  if (!Number.isFinite(time))
    throw new ValidationError(`${field} must be an ISO date or time, such as 2026-12-01T00:00:00Z.`, {
      field,
    });
  return new Date(time).toISOString();
}
