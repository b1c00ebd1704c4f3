import { EventType, type HistoryEvent } from '../history/HistoryEvent';
import type { InstanceRecord } from '../taskHub/InstanceStore';
import { isTerminal } from '../taskHub/RuntimeStatus';
import type { ControlMessage } from '../taskHub/TaskMessage';

/** An instance as an episode starts from: its row (if any) and its committed history. */
export interface LoadedInstance {
  readonly record: InstanceRecord | undefined;
  readonly history: HistoryEvent[];
}

/**
 * A client sends an instance's start message before it writes the instance row (as the Azure Storage
 * provider does), so the row may be missing or still show the previous execution when the message
 * arrives: the client is slow, or died in between. Either way the start begins a new execution, with
 * the row the client would have written made from the message; a client that writes it later finds
 * it there. Only an instance that is not running anything may start over, and only from a start at
 * least as recent as its row: an older one is a leftover of an execution already replaced.
 */
export function adoptUnrecordedStart(
  loaded: LoadedInstance,
  batch: readonly { readonly message: ControlMessage }[],
): LoadedInstance {
  const { record } = loaded;
  const start = batch
    .map((item) => item.message)
    .find(
      (message) =>
        message.event.EventType === EventType.ExecutionStarted &&
        message.executionId !== undefined &&
        message.executionId !== record?.executionId &&
        (!record ||
          (mayStartOver(record) && Date.parse(message.event.Timestamp) >= Date.parse(record.createdTime))),
    );
  if (!start) return loaded;
  const { event } = start;
  return {
    record: {
      instanceId: start.instanceId,
      name: event.Name ?? '',
      executionId: start.executionId!,
      runtimeStatus: 'Pending',
      input: event.Input,
      createdTime: event.Timestamp,
      lastUpdatedTime: event.Timestamp,
      parentInstanceId: event.ParentInstance?.InstanceId,
      historyLength: 0,
      // The row it replaces, if any: the commit checks that nobody changed it meanwhile.
      etag: record?.etag,
    },
    history: [],
  };
}

/** Finished, or created but never run (a Pending row with no history). */
function mayStartOver(record: InstanceRecord): boolean {
  return (
    isTerminal(record.runtimeStatus) || (record.runtimeStatus === 'Pending' && record.historyLength === 0)
  );
}
