import type { TableEntity } from '@azure/data-tables';
import { HostConfigurationError } from '../errors';

// Columns the service owns; an entity written through the binding cannot set them.
const serviceColumns = new Set(['timestamp', 'etag', 'odata.etag', 'odata.metadata']);

export interface KeyDefaults {
  readonly partitionKey?: string;
  readonly rowKey?: string;
}

/**
 * A value returned to a table output as the entity to insert: `PartitionKey`/`RowKey` (or `partitionKey`/
 * `rowKey`, or the binding's own), other properties as they are; nested objects and arrays become JSON text.
 */
export function toTableEntity(
  value: unknown,
  defaults: KeyDefaults,
  index: number,
  usedBy: string,
): TableEntity {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new HostConfigurationError(
      `${usedBy}: entity ${index} is not an object with PartitionKey and RowKey.`,
    );
  }
  const entity: Record<string, unknown> = {};
  let partitionKey = defaults.partitionKey;
  let rowKey = defaults.rowKey;
  for (const [name, property] of Object.entries(value as Record<string, unknown>)) {
    const lower = name.toLowerCase();
    if (lower === 'partitionkey') partitionKey = String(property);
    else if (lower === 'rowkey') rowKey = String(property);
    else if (!serviceColumns.has(lower) && property !== undefined && property !== null) {
      entity[name] = typeof property === 'object' ? JSON.stringify(property) : property;
    }
  }
  if (partitionKey === undefined || rowKey === undefined) {
    throw new HostConfigurationError(
      `${usedBy}: entity ${index} has no ${partitionKey === undefined ? 'PartitionKey' : 'RowKey'}; set it on the entity or as ${partitionKey === undefined ? 'partitionKey' : 'rowKey'} on the binding.`,
    );
  }
  return { ...entity, partitionKey, rowKey };
}

/** An entity as the table input hands it to the function: `PartitionKey`, `RowKey`, `Timestamp`, properties. */
export function fromTableEntity(entity: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {
    PartitionKey: entity.partitionKey,
    RowKey: entity.rowKey,
    Timestamp: entity.timestamp,
  };
  for (const [name, value] of Object.entries(entity)) {
    if (name === 'partitionKey' || name === 'rowKey' || serviceColumns.has(name.toLowerCase())) continue;
    result[name] = toJsonValue(value);
  }
  return result;
}

function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  // Int64 and Guid values come as {type, value}; a safe Int64 reads best as a number.
  if (value && typeof value === 'object' && 'type' in value && 'value' in value) {
    const typed = value as { type: string; value: string };
    const number = Number(typed.value);
    return typed.type === 'Int64' && Number.isSafeInteger(number) ? number : typed.value;
  }
  return value;
}
