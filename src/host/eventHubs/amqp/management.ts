import type { HubDirectory } from '../HubDirectory';
import { AmqpError, conditions } from './AmqpError';
import { textOf } from './textOf';

const hubType = 'com.microsoft:eventhub';
const partitionType = 'com.microsoft:partition';

/**
 * Answers a `$management` READ as Event Hubs does: `com.microsoft:eventhub` gives the hub's name, creation
 * time and partition ids; `com.microsoft:partition` gives a partition's first and last sequence numbers,
 * last offset and enqueued time, and whether it is empty.
 */
export async function readManagement(
  properties: Record<string, unknown>,
  hubs: HubDirectory,
  authorize: () => void,
): Promise<Record<string, unknown>> {
  if (properties.operation !== 'READ') {
    throw new AmqpError(
      conditions.notImplemented,
      `The $management node of the local Event Hubs endpoint supports 'READ' only, not '${String(properties.operation)}'.`,
      400,
    );
  }
  const hub = textOf(properties.name);
  authorize();
  const log = await hubs.open(hub);
  if (properties.type === hubType) {
    return {
      name: log.hub,
      type: hubType,
      created_at: log.createdAt,
      partition_count: log.partitionCount,
      partition_ids: log.partitionIds(),
    };
  }
  if (properties.type === partitionType) {
    const partitionId = textOf(properties.partition);
    if (!log.partitionIds().includes(partitionId)) {
      throw new AmqpError(
        conditions.argumentOutOfRange,
        `The specified partition is invalid for an EventHub partition sender or receiver. It should be between 0 and ${log.partitionCount - 1}; '${partitionId}' is not. (event hub '${log.hub}')`,
        400,
      );
    }
    const info = await log.partitionInfo(partitionId);
    return {
      name: log.hub,
      type: partitionType,
      partition: partitionId,
      begin_sequence_number: info.beginningSequenceNumber,
      last_enqueued_sequence_number: info.lastEnqueuedSequenceNumber,
      last_enqueued_offset: String(info.lastEnqueuedOffset),
      last_enqueued_time_utc: info.lastEnqueuedTime,
      is_partition_empty: info.isEmpty,
    };
  }
  throw new AmqpError(
    conditions.notImplemented,
    `The $management node cannot READ '${String(properties.type)}'; it reads '${hubType}' and '${partitionType}'.`,
    400,
  );
}
