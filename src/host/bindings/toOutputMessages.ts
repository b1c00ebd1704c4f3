import type { RpcTypedData } from '../core/coreTypes';

/**
 * The messages an output value stands for, as the host's queue and Event Hubs collectors take them: a
 * JSON array is one message per element (objects as JSON text), any other value one message; bytes stay
 * bytes. Null elements are skipped.
 */
export function toOutputMessages(data: RpcTypedData): (string | Buffer)[] {
  if (typeof data.json === 'string') {
    const value: unknown = JSON.parse(data.json);
    if (!Array.isArray(value)) return value === null ? [] : [typeof value === 'string' ? value : data.json];
    return value.filter((item) => item !== null && item !== undefined).map(toMessageText);
  }
  if (typeof data.string === 'string') return [data.string];
  if (data.bytes) return [Buffer.from(data.bytes)];
  if (data.stream) return [Buffer.from(data.stream)];
  if (typeof data.int === 'number') return [String(data.int)];
  if (typeof data.double === 'number') return [String(data.double)];
  if (data.collectionString?.string) return [...data.collectionString.string];
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((bytes) => Buffer.from(bytes));
  if (data.collectionDouble?.double) return data.collectionDouble.double.map(String);
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64.map(String);
  return [];
}

function toMessageText(item: unknown): string {
  return typeof item === 'string' ? item : JSON.stringify(item);
}
