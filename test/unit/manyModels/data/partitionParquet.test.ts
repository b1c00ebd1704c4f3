import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../../../../src/errors';
import { partitionCsvByKeys, partitionFileByKeys } from '../../../../src/manyModels/data/partitionCsvByKeys';
import { loadHyparquetWriter } from '../../../../src/runtime/formats/loadParquetLibraries';
import { parseTrainingCsv } from '../../../../src/training/retrain/parseTrainingCsv';
import { rejection } from '../../../support/rejection';

// A Parquet input is partitioned through the CSV path: the same keys, rows and values as the CSV it
// was written from, with the Parquet file as the index's source.

const ojTrain = path.join(__dirname, '../../../fixtures/data/oj-train.csv');

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'partition-parquet-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** oj-train.csv as Parquet (typed columns, row groups of 100 rows); `drop` leaves a column out. */
async function ojParquet(file: string, drop?: string): Promise<Buffer> {
  const table = parseTrainingCsv(readFileSync(ojTrain, 'utf8'), 'oj-train.csv');
  const text = new Set(['WeekStarting', 'Brand']);
  const integer = new Set(['Store', 'Quantity', 'Advert']);
  const columnData = table.columns
    .map((name, c) => {
      const values = Array.from(table.values[c]!);
      if (text.has(name)) return { name, data: values.map(String), type: 'STRING' as const };
      if (integer.has(name))
        return { name, data: Int32Array.from(values as number[]), type: 'INT32' as const };
      return { name, data: Float64Array.from(values as number[]), type: 'DOUBLE' as const };
    })
    .filter((column) => column.name !== drop);
  const writer = await loadHyparquetWriter();
  const bytes = Buffer.from(writer.parquetWriteBuffer({ columnData, rowGroupSize: 100 }));
  await writeFile(file, bytes);
  return bytes;
}

describe('partitionFileByKeys on a Parquet file', () => {
  it('gives the partitions of the same data as CSV: keys, row counts and every value', async () => {
    const file = path.join(work, 'oj-train.parquet');
    const bytes = await ojParquet(file);
    const fromParquet = await partitionFileByKeys(file, {
      keys: ['Store', 'Brand'],
      outDir: path.join(work, 'pq'),
    });
    const fromCsv = await partitionCsvByKeys(ojTrain, {
      keys: ['Store', 'Brand'],
      outDir: path.join(work, 'csv'),
    });
    expect(fromParquet.partitions.map(({ key, path: p, rows }) => ({ key, p, rows }))).toEqual(
      fromCsv.partitions.map(({ key, path: p, rows }) => ({ key, p, rows })),
    );
    expect(fromParquet.header).toEqual(fromCsv.header);
    expect(fromParquet.source).toEqual({
      name: 'oj-train.parquet',
      rows: fromCsv.source.rows,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    for (const partition of fromCsv.partitions) {
      const read = async (dir: string) =>
        parseTrainingCsv(await readFile(path.join(work, dir, partition.path), 'utf8'), partition.path);
      const [parquet, csv] = await Promise.all([read('pq'), read('csv')]);
      expect(parquet.values.map((column) => Array.from(column))).toEqual(
        csv.values.map((column) => Array.from(column)),
      );
    }
  });

  it('names a missing key column, and refuses a file that is not Parquet or does not exist', async () => {
    const file = path.join(work, 'no-brand.parquet');
    await ojParquet(file, 'Brand');
    const options = { keys: ['Store', 'Brand'], outDir: path.join(work, 'out') };
    const missing = await rejection(partitionFileByKeys(file, options));
    expect(missing).toBeInstanceOf(ValidationError);
    expect(missing.message).toMatch(
      /^no-brand\.parquet: no column "Brand" to partition by \(columns: WeekStarting, Store, Quantity/,
    );
    const notParquet = path.join(work, 'text.parquet');
    await writeFile(notParquet, 'Store,Brand\n1,a\n');
    const refused = await rejection(
      partitionFileByKeys(notParquet, { ...options, outDir: path.join(work, 'out2') }),
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.message).toMatch(/^text\.parquet: not a readable Parquet file: /);
    const absent = await rejection(
      partitionFileByKeys(path.join(work, 'absent.parquet'), { ...options, outDir: path.join(work, 'out3') }),
    );
    expect(absent).toBeInstanceOf(NotFoundError);
  });
});
