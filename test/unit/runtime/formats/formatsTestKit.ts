import type { Partition, ScoringBatch, ScoringSchema } from '../../../../src/runtime/formats/ScoringBatch';
import { parseCsvPartition } from '../../../../src/runtime/formats/parseCsvPartition';
import { planCsvPartitions } from '../../../../src/runtime/formats/planCsvPartitions';
import type { CsvOptions } from '../../../../src/runtime/formats/CsvOptions';

/** The bytes as a stream of chunks of `size` bytes, as a blob download would deliver them. */
export async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) {
    await Promise.resolve();
    yield bytes.subarray(i, i + size);
  }
}

/** Good rows of a batch as plain objects, for comparisons that read well in a failure. */
export function rowsOf(batch: ScoringBatch, schema: ScoringSchema): Array<Record<string, unknown>> {
  const width = schema.featureColumns.length;
  return Array.from({ length: batch.rowCount }, (_, i) => {
    const row: Record<string, unknown> = { row: batch.rowNumbers[i] };
    schema.featureColumns.forEach((name, f) => (row[name] = batch.features[i * width + f]));
    schema.passThroughColumns.forEach((name, p) => (row[name] = batch.passThrough[p]![i]));
    return row;
  });
}

/** Plans with the given target and chunk sizes, parses every partition, and joins the results in order. */
export async function planAndParseCsv(
  bytes: Buffer,
  schema: ScoringSchema,
  { target, chunk, options = {} }: { target: number; chunk: number; options?: CsvOptions },
): Promise<{
  partitions: Partition[];
  rows: Array<Record<string, unknown>>;
  errors: ScoringBatch['errors'];
}> {
  const plan = await planCsvPartitions(chunksOf(bytes, chunk), bytes.length, options, target);
  const rows: Array<Record<string, unknown>> = [];
  const errors: Array<ScoringBatch['errors'][number]> = [];
  for (const partition of plan.partitions) {
    const batch = parseCsvPartition(
      bytes.subarray(partition.start, partition.end),
      partition,
      plan.header,
      schema,
      options,
    );
    rows.push(...rowsOf(batch, schema));
    errors.push(...batch.errors);
  }
  return { partitions: plan.partitions, rows, errors };
}

/** One partition covering all data after the header: the "whole-file parse" to compare partitioned parses with. */
export async function parseWholeCsv(
  bytes: Buffer,
  schema: ScoringSchema,
  options: CsvOptions = {},
): Promise<ScoringBatch> {
  const plan = await planCsvPartitions(
    chunksOf(bytes, bytes.length || 1),
    bytes.length,
    options,
    Number.MAX_SAFE_INTEGER,
  );
  const start = plan.partitions[0]?.start ?? bytes.length;
  const whole: Partition = { index: 0, start, end: bytes.length, firstRow: 1, rows: plan.totalRows };
  return parseCsvPartition(bytes, whole, plan.header, schema, options);
}

/** Decimal texts with 1..18 digits, a point anywhere or none, some signs and exponents; from a fixed seed. */
export function randomDecimals(count: number, seed: number): string[] {
  let state = seed;
  const random = (): number => (state = (state * 1103515245 + 12345) >>> 0) / 4294967296;
  const texts: string[] = [];
  while (texts.length < count) {
    const digits = 1 + Math.floor(random() * 18);
    let text = Array.from({ length: digits }, () => Math.floor(random() * 10)).join('');
    if (random() < 0.7) {
      const point = Math.floor(random() * (text.length + 1));
      text = `${text.slice(0, point)}.${text.slice(point)}`;
    }
    if (random() < 0.2) text += `e${Math.floor(random() * 60) - 30}`;
    if (random() < 0.3) text = `-${text}`;
    if (!Number.isNaN(Number(text))) texts.push(text);
  }
  return texts;
}
