import { isUtf8 } from 'node:buffer';
import { ConflictError } from '../../errors';
import type { Partition, ScoringBatch, ScoringSchema } from './ScoringBatch';
import { BatchBuilder } from './BatchBuilder';
import { firstNonBlank } from './firstNonBlank';
import { jsonFeatureValue } from './jsonFeatureValue';
import { partitionBytes } from './partitionBytes';
import { invalidJsonReason } from './readJsonlColumns';
import { stringifyValue } from './stringifyValue';

const LF = 0x0a;

/**
 * Parses one planned JSON Lines partition into a ScoringBatch. `bytes` holds either the partition's
 * range or the whole file. Feature fields may be numbers or numeric strings; pass-through fields are
 * stringified. Bad lines go to `errors` (invalid JSON or UTF-8, not an object, a missing or
 * non-numeric feature); good rows keep input order.
 */
export function parseJsonlPartition(
  bytes: Buffer,
  partition: Partition,
  schema: ScoringSchema,
): ScoringBatch {
  const data = partitionBytes(bytes, partition);
  const allUtf8 = isUtf8(data);
  const batch = new BatchBuilder(
    schema.featureColumns.length,
    schema.passThroughColumns.length,
    partition.rows,
  );
  let row = partition.firstRow;
  for (let start = 0; start < data.length;) {
    const lineFeed = data.indexOf(LF, start);
    const end = lineFeed < 0 ? data.length : lineFeed;
    if (firstNonBlank(data, start, end) >= 0) {
      const line = data.subarray(start, end);
      parseLine(batch, schema, row++, allUtf8 || isUtf8(line) ? line : undefined);
    }
    start = end + 1;
  }
  const rows = row - partition.firstRow;
  if (rows !== partition.rows) {
    throw new ConflictError(
      `partition ${partition.index} holds ${rows} records where the plan counted ${partition.rows}: ` +
        'the input changed since it was planned, or these are not the partition bytes',
    );
  }
  return batch.finish();
}

/** `line` is undefined when its bytes are not valid UTF-8. */
function parseLine(batch: BatchBuilder, schema: ScoringSchema, row: number, line: Buffer | undefined): void {
  if (!line) return batch.rejectRow({ row, reason: 'invalid UTF-8 bytes' });
  let record: unknown;
  try {
    record = JSON.parse(line.toString('utf8'));
  } catch (error) {
    return batch.rejectRow({ row, reason: invalidJsonReason(error) });
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return batch.rejectRow({ row, reason: 'not a JSON object' });
  }
  const fields = record as Record<string, unknown>;
  const offset = batch.nextRowOffset();
  const features = batch.features;
  for (let i = 0; i < schema.featureColumns.length; i++) {
    const field = schema.featureColumns[i]!;
    const value = jsonFeatureValue(ownField(fields, field));
    if (typeof value !== 'number') return batch.rejectRow({ row, field, reason: value.reason });
    features[offset + i] = value;
  }
  batch.acceptRow(
    row,
    schema.passThroughColumns.map((name) => stringifyValue(ownField(fields, name))),
  );
}

/** Only the record's own fields: "constructor" or "toString" must not come from Object.prototype. */
function ownField(fields: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}
