import { randomInt } from 'node:crypto';
import type { StorageConnection } from '../storage/StorageConnection';
import {
  checkEventHubName,
  InvalidEventsError,
  toSentEvent,
  type EventToSend,
  type SentEvent,
} from './EventHubEvent';
import { defaultPartitionCount, EventHubLog } from './EventHubLog';
import { checkEventSize } from './log/eventRecord';
import { partitionForKey } from './partitionForKey';

export interface EventRouting {
  /** Applies to events without a partition key of their own. */
  readonly partitionKey?: string;
  /** Sends every event to this partition; events must not carry a partition key then (as in the SDKs). */
  readonly partitionId?: string;
}

export interface SendEventsOptions extends EventRouting {
  /** Partition count if the hub does not exist yet (default 4). */
  readonly partitionCount?: number;
}

/**
 * Sends events to a local event hub kept in the given storage account (the host's AzureWebJobsStorage),
 * creating the hub on first use. Returns where each event landed, in the order given.
 */
export async function sendEvents(
  connection: StorageConnection,
  hub: string,
  events: readonly EventToSend[],
  options: SendEventsOptions = {},
): Promise<SentEvent[]> {
  checkEventHubName(hub, 'sendEvents');
  const log = await EventHubLog.open(connection, hub, options.partitionCount ?? defaultPartitionCount);
  return sendToLog(log, events, options);
}

/**
 * Routes events as Event Hubs does: a partition key hashes to one partition; events without one go
 * together to a partition picked at random (the service's choice for a batch without a key).
 */
export async function sendToLog(
  log: EventHubLog,
  events: readonly EventToSend[],
  routing: EventRouting = {},
): Promise<SentEvent[]> {
  if (routing.partitionId !== undefined && !log.partitionIds().includes(routing.partitionId)) {
    throw new InvalidEventsError(
      `Event hub '${log.hub}' has partitions 0-${log.partitionCount - 1}; there is no partition "${routing.partitionId}".`,
    );
  }
  const keyless = routing.partitionId ?? String(randomInt(log.partitionCount));
  const groups = new Map<string, number[]>();
  events.forEach((event, index) => {
    // Refuse the whole call before any partition is written.
    checkEventSize(event, index);
    const key = event.partitionKey ?? routing.partitionKey;
    if (routing.partitionId !== undefined && key !== undefined) {
      throw new InvalidEventsError(
        `Event ${index} has the partition key "${key}" but is sent to partition ${routing.partitionId}: use one or the other.`,
      );
    }
    const partitionId = key === undefined ? keyless : partitionForKey(key, log.partitionCount);
    groups.set(partitionId, [...(groups.get(partitionId) ?? []), index]);
  });
  const results: SentEvent[] = new Array<SentEvent>(events.length);
  await Promise.all(
    [...groups].map(async ([partitionId, indexes]) => {
      const batch = indexes.map((index) => withKey(events[index]!, routing.partitionKey));
      const stored = await log.append(partitionId, batch);
      stored.forEach((event, position) => (results[indexes[position]!] = toSentEvent(event)));
    }),
  );
  return results;
}

function withKey(event: EventToSend, partitionKey: string | undefined): EventToSend {
  return event.partitionKey === undefined && partitionKey !== undefined ? { ...event, partitionKey } : event;
}
