import { ConflictError } from '../../errors';
import type { Partition, ScoringBatch, ScoringSchema } from './ScoringBatch';
import { CsvPartitionParser } from './CsvPartitionParser';
import { resolveCsvOptions, type CsvOptions } from './CsvOptions';
import { mapSchemaColumns } from './mapSchemaColumns';
import { partitionBytes } from './partitionBytes';

/**
 * Parses one planned CSV partition into a ScoringBatch. `bytes` holds either the partition's range or
 * the whole file; `header` comes from the plan. Bad rows go to `errors` with their row, field and
 * reason; good rows keep input order. Missing schema columns are a ValidationError before any row.
 */
export function parseCsvPartition(
  bytes: Buffer,
  partition: Partition,
  header: readonly string[],
  schema: ScoringSchema,
  options: CsvOptions = {},
): ScoringBatch {
  const syntax = resolveCsvOptions(options);
  const slots = mapSchemaColumns(header, schema);
  const parser = new CsvPartitionParser(partitionBytes(bytes, partition), header, slots, syntax, {
    features: schema.featureColumns.length,
    passThrough: schema.passThroughColumns.length,
    rows: partition.rows,
  });
  const rows = parser.parseAll(partition.firstRow);
  if (rows !== partition.rows) {
    throw new ConflictError(
      `partition ${partition.index} holds ${rows} rows where the plan counted ${partition.rows}: ` +
        'the input changed since it was planned, or these are not the partition bytes',
    );
  }
  return parser.batch.finish();
}
