import type { InstanceStatus } from '../TaskHubClient';
import { publicErrorText } from '../../http/publicErrorText';
import { parseStoredJson } from './parseStoredJson';
import { renderHistoryEvents } from './renderHistoryEvents';

/** One instance as the Durable HTTP API returns it (GET instances/{id} and each item of GET instances). */
export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: unknown[];
}

export interface StatusPayloadOptions {
  showInput: boolean;
  showHistoryOutput: boolean;
}

/** Renders a status with JSON values parsed from their stored text; `historyEvents` only when history was read. */
export function toStatusPayload(status: InstanceStatus, options: StatusPayloadOptions): StatusPayload {
  const payload: StatusPayload = {
    name: status.name,
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    input: options.showInput ? parseStoredJson(status.input) : null,
    customStatus: parseStoredJson(status.customStatus),
    output: status.runtimeStatus === 'Failed' ? failureText(status.output) : parseStoredJson(status.output),
    createdTime: toSecondsPrecision(status.createdTime),
    lastUpdatedTime: toSecondsPrecision(status.lastUpdatedTime),
  };
  // A pending instance has not run yet, so the extension shows no history for it.
  if (status.history && status.runtimeStatus !== 'Pending') {
    payload.historyEvents = renderHistoryEvents(status.history, options);
  }
  return payload;
}

/** A failed instance's output is the host's failure text: shown without stack frames or server folders. */
function failureText(output: string | undefined): unknown {
  const value = parseStoredJson(output);
  return typeof value === 'string' ? publicErrorText(value) : value;
}

/** The extension formats these times as `yyyy-MM-ddTHH:mm:ssZ`. */
function toSecondsPrecision(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().slice(0, 19) + 'Z';
}
