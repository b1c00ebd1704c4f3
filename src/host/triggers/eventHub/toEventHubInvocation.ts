import { toRpcStringCollection } from '../../converters/rpcTypedData';
import type { RpcTypedData } from '../../core/coreTypes';
import type { TriggerInvocation } from '../../HostExtension';
import type { StoredEvent } from '../../eventHubs/EventHubEvent';

/** The partition a batch comes from, as the trigger's `PartitionContext` describes it. */
export interface PartitionSource {
  readonly namespace: string;
  readonly hub: string;
  readonly consumerGroup: string;
  readonly partitionId: string;
}

/**
 * A batch (`cardinality: 'many'`) as the Functions host sends it to the Node worker: bodies as a string
 * collection (byte collection for `dataType: 'binary'`), which the library turns into an array (JSON bodies
 * parsed), and the `...Array` metadata the Event Hubs extension binds, typed as the host converts them:
 * events without a partition key leave no entry in `PartitionKeyArray` unless the worker declared
 * `IncludeEmptyEntriesInMessagePayload` (`capabilities`).
 */
export function toBatchInvocation(
  events: readonly StoredEvent[],
  source: PartitionSource,
  binary: boolean,
  capabilities: Readonly<Record<string, string>> = {},
): TriggerInvocation {
  // Events of a batch mostly share their enqueued millisecond: format each distinct one once.
  let lastTime = NaN;
  let lastText = '';
  const enqueuedTimes = events.map((event) => {
    const time = event.enqueuedTime.getTime();
    if (time !== lastTime) [lastTime, lastText] = [time, toDotNetDateTime(event.enqueuedTime)];
    return lastText;
  });
  const values = {
    PartitionContext: partitionContext(source),
    PartitionKeyArray: events.map((event) => event.partitionKey ?? null),
    OffsetArray: events.map((event) => String(event.offset)),
    SequenceNumberArray: events.map((event) => event.sequenceNumber),
    EnqueuedTimeUtcArray: enqueuedTimes,
    PropertiesArray: events.map((event) => event.properties),
    SystemPropertiesArray: events.map((event, index) => systemProperties(event, enqueuedTimes[index]!)),
  };
  return {
    triggerData: binary
      ? { collectionBytes: { bytes: events.map((event) => event.body) } }
      : { collectionString: { string: events.map((event) => event.body.toString('utf8')) } },
    triggerMetadata: {
      PartitionContext: json(values.PartitionContext),
      PartitionKeyArray: toRpcStringCollection(values.PartitionKeyArray, capabilities),
      OffsetArray: { collectionString: { string: values.OffsetArray } },
      SequenceNumberArray: { collectionSint64: { sint64: values.SequenceNumberArray } },
      EnqueuedTimeUtcArray: json(values.EnqueuedTimeUtcArray),
      PropertiesArray: json(values.PropertiesArray),
      SystemPropertiesArray: json(values.SystemPropertiesArray),
    },
    bindingData: values,
    reason: `New events on event hub '${source.hub}' partition ${source.partitionId}: ${describeRange(events)}`,
  };
}

/** One event (`cardinality: 'one'`): the body as a string (bytes for `dataType: 'binary'`) and scalar metadata. */
export function toSingleInvocation(
  event: StoredEvent,
  source: PartitionSource,
  binary: boolean,
): TriggerInvocation {
  const enqueuedTimeUtc = toDotNetDateTime(event.enqueuedTime);
  const values = {
    PartitionContext: partitionContext(source),
    PartitionKey: event.partitionKey,
    Offset: event.offset,
    SequenceNumber: event.sequenceNumber,
    EnqueuedTimeUtc: enqueuedTimeUtc,
    Properties: event.properties,
    SystemProperties: systemProperties(event, enqueuedTimeUtc),
  };
  // As the host converts them: a string stays a string, a long or DateTime becomes JSON, null is left out.
  const triggerMetadata: Record<string, RpcTypedData> = {
    PartitionContext: json(values.PartitionContext),
    Offset: json(values.Offset),
    SequenceNumber: json(values.SequenceNumber),
    EnqueuedTimeUtc: json(values.EnqueuedTimeUtc),
    Properties: json(values.Properties),
    SystemProperties: json(values.SystemProperties),
  };
  if (values.PartitionKey !== undefined) triggerMetadata.PartitionKey = { string: values.PartitionKey };
  return {
    triggerData: binary ? { bytes: event.body } : { string: event.body.toString('utf8') },
    triggerMetadata,
    bindingData: values,
    reason: `New event on event hub '${source.hub}' partition ${source.partitionId}: ${describeRange([event])}`,
  };
}

/**
 * A UTC time as Newtonsoft.Json writes a .NET DateTime of unspecified kind (what the extension binds):
 * no zone suffix, trailing zeros of the fraction dropped, e.g. `2024-05-01T10:20:30.25`.
 */
export function toDotNetDateTime(date: Date): string {
  const [seconds = '', fraction = ''] = date.toISOString().slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? seconds : `${seconds}.${trimmed}`;
}

function partitionContext(source: PartitionSource): Record<string, string> {
  return {
    FullyQualifiedNamespace: source.namespace,
    EventHubName: source.hub,
    ConsumerGroup: source.consumerGroup,
    PartitionId: source.partitionId,
  };
}

function systemProperties(event: StoredEvent, enqueuedTimeUtc: string): Record<string, unknown> {
  return {
    'x-opt-sequence-number': event.sequenceNumber,
    'x-opt-offset': event.offset,
    'x-opt-enqueued-time': `${enqueuedTimeUtc}+00:00`,
    ...(event.partitionKey !== undefined ? { 'x-opt-partition-key': event.partitionKey } : {}),
    SequenceNumber: event.sequenceNumber,
    Offset: event.offset,
    PartitionKey: event.partitionKey ?? null,
    EnqueuedTimeUtc: enqueuedTimeUtc,
  };
}

function json(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value) };
}

function describeRange(events: readonly StoredEvent[]): string {
  const first = events[0]?.sequenceNumber;
  const last = events[events.length - 1]?.sequenceNumber;
  return first === last ? `sequence number ${first}` : `sequence numbers ${first}-${last}`;
}
