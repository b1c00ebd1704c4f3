import { ConflictError, ValidationError } from '../../../../src/errors';
import { byteRangeReaderOf } from '../../../../src/runtime/formats/ByteRangeReader';
import { loadHyparquetWriter } from '../../../../src/runtime/formats/loadParquetLibraries';
import { parseParquetPartition } from '../../../../src/runtime/formats/parseParquetPartition';
import { readParquetLayout } from '../../../../src/runtime/formats/readParquetLayout';
import type { ScoringSchema } from '../../../../src/runtime/formats/ScoringBatch';
import { rowsOf } from './formatsTestKit';

const ROWS = 10;
const ids = Array.from({ length: ROWS }, (_, i) => `id-${i}`);
const a = Array.from({ length: ROWS }, (_, i) => (i === 5 ? null : i + 0.5));
const b = BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i * 1000));
const c = Float32Array.from({ length: ROWS }, (_, i) => (i === 8 ? NaN : i / 4));
const flag = Array.from({ length: ROWS }, (_, i) => i % 2 === 0);
const when = Array.from({ length: ROWS }, (_, i) => new Date(Date.UTC(2024, 0, i + 1)));

/** Ten rows in row groups of 4, 4 and 2, with a null in `a` (row 6) and a NaN in `c` (row 9). */
async function sampleFile(): Promise<Buffer> {
  const writer = await loadHyparquetWriter();
  return Buffer.from(
    writer.parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'STRING' },
        { name: 'a', data: a, type: 'DOUBLE' },
        { name: 'b', data: b, type: 'INT64' },
        { name: 'c', data: c, type: 'FLOAT' },
        { name: 'flag', data: flag, type: 'BOOLEAN' },
        { name: 'when', data: when, type: 'TIMESTAMP' },
      ],
      rowGroupSize: 4,
    }),
  );
}

const schema: ScoringSchema = { featureColumns: ['a', 'b', 'c', 'flag'], passThroughColumns: ['id', 'when'] };

describe('Parquet input', () => {
  it('lays out one partition per row group, with columns and types', async () => {
    const bytes = await sampleFile();
    const layout = await readParquetLayout(byteRangeReaderOf(bytes));
    expect(layout.columns).toEqual([
      { name: 'id', type: 'STRING', numeric: false },
      { name: 'a', type: 'DOUBLE', numeric: true },
      { name: 'b', type: 'INT64', numeric: true },
      { name: 'c', type: 'FLOAT', numeric: true },
      { name: 'flag', type: 'BOOLEAN', numeric: true },
      { name: 'when', type: 'TIMESTAMP_MILLIS', numeric: false },
    ]);
    expect(layout.totalRows).toBe(ROWS);
    expect(
      layout.partitions.map(({ index, firstRow, rows, rowGroup }) => ({ index, firstRow, rows, rowGroup })),
    ).toEqual([
      { index: 0, firstRow: 1, rows: 4, rowGroup: 0 },
      { index: 1, firstRow: 5, rows: 4, rowGroup: 1 },
      { index: 2, firstRow: 9, rows: 2, rowGroup: 2 },
    ]);
    layout.partitions.forEach((partition, i) => {
      expect(partition.start).toBeGreaterThanOrEqual(i === 0 ? 4 : layout.partitions[i - 1]!.end);
      expect(partition.end).toBeGreaterThan(partition.start);
      expect(partition.end).toBeLessThan(bytes.length);
    });
  });

  it('reads each row group into features and pass-through text; nulls and NaN become error rows', async () => {
    const reader = byteRangeReaderOf(await sampleFile());
    const layout = await readParquetLayout(reader);
    const batches = await Promise.all(
      layout.partitions.map((partition) => parseParquetPartition(reader, partition, schema)),
    );
    expect(batches.map((batch) => batch.totalRows)).toEqual([4, 4, 2]);
    expect(batches.flatMap((batch) => batch.errors)).toEqual([
      { row: 6, field: 'a', reason: 'null value' },
      { row: 9, field: 'c', reason: 'not a number: NaN' },
    ]);
    const expected = ids
      .map((id, i) => ({
        row: i + 1,
        a: a[i],
        b: i * 1000,
        c: c[i],
        flag: i % 2 === 0 ? 1 : 0,
        id,
        when: when[i]!.toISOString(),
      }))
      .filter((row) => row.row !== 6 && row.row !== 9);
    expect(batches.flatMap((batch) => rowsOf(batch, schema))).toEqual(expected);
  });

  it.each<[string, ScoringSchema, string]>([
    [
      'missing columns',
      { featureColumns: ['a', 'zz'], passThroughColumns: ['key'] },
      'missing feature column(s): zz; missing pass-through column(s): key',
    ],
    [
      'non-numeric feature columns',
      { featureColumns: ['a', 'id', 'when'], passThroughColumns: [] },
      'feature column(s) not numeric: id (STRING), when (TIMESTAMP_MILLIS)',
    ],
  ])('rejects a schema with %s before reading rows', async (_case, badSchema, message) => {
    const reader = byteRangeReaderOf(await sampleFile());
    const [partition] = (await readParquetLayout(reader)).partitions;
    const parse = parseParquetPartition(reader, partition!, badSchema);
    await expect(parse).rejects.toThrow(ValidationError);
    await expect(parseParquetPartition(reader, partition!, badSchema)).rejects.toThrow(message);
  });

  it.each([
    ['a CSV file', Buffer.from('a,b\n1,2\n')],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated Parquet file', Buffer.from('PAR1....PAR1')],
  ])('rejects %s as not Parquet', async (_case, bytes) => {
    await expect(readParquetLayout(byteRangeReaderOf(bytes))).rejects.toThrow(ValidationError);
    await expect(readParquetLayout(byteRangeReaderOf(bytes))).rejects.toThrow(
      'not a readable Parquet file: ',
    );
  });

  it('fails with a ConflictError when the partition no longer matches the row groups', async () => {
    const reader = byteRangeReaderOf(await sampleFile());
    const stale = { index: 1, start: 0, end: 10, firstRow: 4, rows: 4, rowGroup: 1 };
    await expect(parseParquetPartition(reader, stale, schema)).rejects.toThrow(ConflictError);
    const beyond = { index: 3, start: 0, end: 10, firstRow: 9, rows: 5 };
    await expect(parseParquetPartition(reader, beyond, schema)).rejects.toThrow(ConflictError);
  });

  it('lays out no partitions for a file without rows', async () => {
    const writer = await loadHyparquetWriter();
    const empty = writer.parquetWriteBuffer({
      columnData: [{ name: 'a', data: new Float64Array(0), type: 'DOUBLE' }],
    });
    const layout = await readParquetLayout(byteRangeReaderOf(Buffer.from(empty)));
    expect(layout).toEqual({
      columns: [{ name: 'a', type: 'DOUBLE', numeric: true }],
      partitions: [],
      totalRows: 0,
    });
  });
});
