import type { InstanceQuery } from '../taskHub/InstanceStore';
import type { RuntimeStatus } from '../taskHub/RuntimeStatus';
import { DurableClientError } from '../TaskHubClient';

const runtimeStatuses: readonly RuntimeStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Suspended',
];

/** Reads the filters of GET/DELETE `instances`: runtimeStatus=a,b, createdTimeFrom/To, instanceIdPrefix, top. */
export function parseInstanceQuery(params: URLSearchParams): InstanceQuery {
  const query: InstanceQuery = {};
  const statuses = params.getAll('runtimeStatus').flatMap((value) => value.split(','));
  const parsed = statuses
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .map(parseRuntimeStatus);
  if (parsed.length > 0) query.runtimeStatus = parsed;
  query.createdTimeFrom = parseTime(params, 'createdTimeFrom');
  query.createdTimeTo = parseTime(params, 'createdTimeTo');
  const prefix = params.get('instanceIdPrefix');
  if (prefix) query.instanceIdPrefix = prefix;
  const top = params.get('top');
  if (top !== null && top !== '') {
    const value = Number(top);
    if (!Number.isInteger(value) || value < 1 || value > 1000) {
      throw new DurableClientError(400, `Query parameter top=${top} must be a whole number from 1 to 1000.`);
    }
    query.top = value;
  }
  return query;
}

/** `showInput`, `showHistory` and the like: "true"/"false" (any case); anything else means the default. */
export function booleanParam(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = params.get(name)?.toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : fallback;
}

function parseRuntimeStatus(value: string): RuntimeStatus {
  const status = runtimeStatuses.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!status) {
    throw new DurableClientError(
      400,
      `runtimeStatus "${value}" is not a runtime status; use one or more of ${runtimeStatuses.join(', ')} separated by commas.`,
    );
  }
  return status;
}

function parseTime(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  if (value === null || value === '') return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new DurableClientError(400, `Query parameter ${name}=${value} is not an ISO 8601 date and time.`);
  }
  return time.toISOString();
}
