import type { RpcTypedData } from '../core/coreTypes';

/** The bytes of a typed value, as an output binding writes them (JSON for objects). */
export function rpcDataToBuffer(data: RpcTypedData): Buffer {
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
  if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
  if (typeof data.int === 'number') return Buffer.from(String(data.int));
  if (typeof data.double === 'number') return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}

/** The JavaScript value of a typed value (strings that hold JSON stay strings). */
export function rpcDataToValue(data: RpcTypedData): unknown {
  if (typeof data.json === 'string') return JSON.parse(data.json);
  if (typeof data.string === 'string') return data.string;
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.int === 'number') return data.int;
  if (typeof data.double === 'number') return data.double;
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((bytes) => Buffer.from(bytes));
  if (data.collectionDouble?.double) return data.collectionDouble.double;
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64;
  return undefined;
}

/** A typed value for a trigger or input payload, as the host sends it to the worker. */
export function valueToRpcData(value: unknown): RpcTypedData {
  if (typeof value === 'string') return { string: value };
  if (Buffer.isBuffer(value)) return { bytes: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  return { json: JSON.stringify(value) };
}

/**
 * A string array as the Functions host sends it to a worker that takes typed collections: null and empty
 * entries are left out unless the worker declared `IncludeEmptyEntriesInMessagePayload` (the Node worker
 * does not), so such an array can be shorter than the batch it describes.
 */
export function toRpcStringCollection(
  values: readonly (string | null | undefined)[],
  capabilities: Readonly<Record<string, string>>,
): RpcTypedData {
  const includeEmpty = (capabilities.IncludeEmptyEntriesInMessagePayload ?? '').trim() !== '';
  const strings: string[] = [];
  for (const value of values)
    if (includeEmpty || (value !== null && value !== undefined && value !== '')) strings.push(value ?? '');
  return { collectionString: { string: strings } };
}

/** Trigger metadata values as typed data (strings as strings, everything else as JSON). */
export function toRpcMetadata(metadata: Record<string, unknown>): Record<string, RpcTypedData> {
  const result: Record<string, RpcTypedData> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== undefined)
      result[key] = typeof value === 'string' ? { string: value } : { json: JSON.stringify(value) };
  }
  return result;
}
