import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ConflictError, NotFoundError, ValidationError } from '../../../../src/errors';
import { partitionCsvByKeys } from '../../../../src/manyModels/data/partitionCsvByKeys';
import { readPartitionIndex, type PartitionIndex } from '../../../../src/manyModels/data/PartitionIndex';

const fixtures = path.join(__dirname, '../../../fixtures/data');
const ojTrain = path.join(fixtures, 'oj-train.csv');
const htsTrain = path.join(fixtures, 'hts-sample-train.csv');

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'partition-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const outDir = (name = 'out'): string => path.join(work, name);
const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

/** Every partition file's text, by path. */
async function partitionTexts(dir: string, index: PartitionIndex): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const p of index.partitions) texts.set(p.path, await readFile(path.join(dir, p.path), 'utf8'));
  return texts;
}

describe('partitionCsvByKeys on the orange juice data (Store × Brand)', () => {
  it('writes one file per key with the header, every source row exactly once, in source order', async () => {
    const index = await partitionCsvByKeys(ojTrain, { keys: ['Store', 'Brand'], outDir: outDir() });
    const [header, ...rows] = lines(readFileSync(ojTrain, 'utf8'));
    const keyOf = (row: string): string[] => row.split(',').slice(1, 3);

    const keys = [...new Set(rows.map((row) => keyOf(row).join('/')))];
    expect(index.partitions).toHaveLength(keys.length);
    expect(index.partitions.map((p) => p.path)).toEqual(
      [2, 5, 8].flatMap((store) =>
        ['dominicks', 'minute.maid', 'tropicana'].map((brand) => `Store=${store}/Brand=${brand}.csv`),
      ),
    );
    const texts = await partitionTexts(outDir(), index);
    for (const p of index.partitions) {
      const [fileHeader, ...fileRows] = lines(texts.get(p.path)!);
      expect(fileHeader).toBe(header);
      expect(fileRows).toEqual(rows.filter((row) => keyOf(row).join() === [p.key.Store, p.key.Brand].join()));
      expect(p.rows).toBe(fileRows.length);
      expect(p.bytes).toBe((await stat(path.join(outDir(), p.path))).size);
    }
    const all = [...texts.values()].flatMap((text) => lines(text).slice(1));
    expect(all.sort()).toEqual([...rows].sort());
    expect(index.partitions.reduce((sum, p) => sum + p.rows, 0)).toBe(rows.length);
    expect(index.source).toEqual({
      name: 'oj-train.csv',
      rows: rows.length,
      bytes: readFileSync(ojTrain).length,
      sha256: createHash('sha256').update(readFileSync(ojTrain)).digest('hex'),
    });
    expect(index.header).toEqual(header!.split(','));
    expect(await readPartitionIndex(outDir())).toEqual(index);
  });

  it('reports progress per chunk read: rows and bytes rise to the whole file', async () => {
    const reports: { rows: number; bytes: number }[] = [];
    // Chunks of 16 KiB: several reports for the 160 KiB file.
    const chunks = Readable.from(
      (function* () {
        const bytes = readFileSync(ojTrain);
        for (let at = 0; at < bytes.length; at += 16_384) yield bytes.subarray(at, at + 16_384);
      })(),
    );
    const index = await partitionCsvByKeys(chunks, {
      keys: ['Store', 'Brand'],
      outDir: outDir(),
      sourceName: 'oj-train.csv',
      onProgress: (progress) => reports.push(progress),
    });
    expect(reports.length).toBe(Math.ceil(index.source.bytes / 16_384));
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.bytes).toBeGreaterThan(reports[i - 1]!.bytes);
      expect(reports[i]!.rows).toBeGreaterThanOrEqual(reports[i - 1]!.rows);
    }
    // oj-train.csv ends with a line end: every row is counted by the last chunk's report.
    expect(reports.at(-1)).toEqual({ rows: index.source.rows, bytes: index.source.bytes });
  });

  it('gives the same files when a tiny memory budget forces many appends (the spill path)', async () => {
    const roomy = await partitionCsvByKeys(ojTrain, { keys: ['Store', 'Brand'], outDir: outDir('roomy') });
    const tiny = await partitionCsvByKeys(ojTrain, {
      keys: ['Store', 'Brand'],
      outDir: outDir('tiny'),
      memoryBudgetBytes: 2048,
    });
    expect(tiny).toEqual(roomy);
    const roomyTexts = await partitionTexts(outDir('roomy'), roomy);
    expect(await partitionTexts(outDir('tiny'), tiny)).toEqual(roomyTexts);
  });

  it('reads a stream as well as a file, and orders keys as given', async () => {
    const index = await partitionCsvByKeys(Readable.from([readFileSync(ojTrain)]), {
      keys: ['Brand', 'Store'],
      outDir: outDir(),
      sourceName: 'oj',
    });
    expect(index.partitions.slice(0, 3).map((p) => p.path)).toEqual([
      'Brand=dominicks/Store=2.csv',
      'Brand=dominicks/Store=5.csv',
      'Brand=dominicks/Store=8.csv',
    ]);
    expect(index.partitions[0]!.key).toEqual({ Brand: 'dominicks', Store: '2' });
    expect(index.source.name).toBe('oj');
  });
});

describe('partitionCsvByKeys on the daily hierarchical sales (store_id × SKU)', () => {
  it('splits 25,650 rows into one file per store and SKU, with numeric keys in numeric order', async () => {
    const index = await partitionCsvByKeys(htsTrain, {
      keys: ['store_id', 'SKU'],
      outDir: outDir(),
      memoryBudgetBytes: 64 * 1024,
    });
    const rows = lines(readFileSync(htsTrain, 'utf8')).slice(1);
    const keys = new Set(
      rows.map((row) =>
        row
          .split(',')
          .slice(2, 5)
          .filter((_, i) => i !== 1)
          .join('/'),
      ),
    );
    expect(index.partitions).toHaveLength(keys.size);
    expect(index.source.rows).toBe(rows.length);
    expect(index.partitions.reduce((sum, p) => sum + p.rows, 0)).toBe(rows.length);
    const stores = index.partitions.map((p) => Number(p.key.store_id));
    expect([...stores].sort((a, b) => a - b)).toEqual(stores);
  });
});

describe('partitionCsvByKeys on awkward CSV', () => {
  it('handles CRLF, a byte order mark, quoted keys, quoted newlines, escaped quotes and a last line without a line end', async () => {
    const source =
      '\uFEFFid,shop,note\r\n' +
      '1,"A, north","plain"\r\n' +
      '2,B,"two\r\nlines"\r\n' +
      '\r\n' +
      '3,A\\,x\r\n' +
      '4,"A, north","say ""hi"""\r\n' +
      '5,"q""uote",y\r\n' +
      '6,q"uote,z\r\n' +
      '7,B,last';
    const file = path.join(work, 'awkward.csv');
    await writeFile(file, source);
    const index = await partitionCsvByKeys(file, { keys: ['shop'], outDir: outDir(), memoryBudgetBytes: 16 });
    const texts = await partitionTexts(outDir(), index);
    expect(index.partitions.map((p) => [p.key.shop, p.path, p.rows])).toEqual([
      ['A, north', 'shop=A%2C%20north.csv', 2],
      ['A\\', 'shop=A%5C.csv', 1],
      ['B', 'shop=B.csv', 2],
      ['q"uote', 'shop=q%22uote.csv', 2],
    ]);
    expect(index.header).toEqual(['id', 'shop', 'note']);
    expect(texts.get('shop=A%2C%20north.csv')).toBe(
      'id,shop,note\r\n1,"A, north","plain"\r\n4,"A, north","say ""hi"""\r\n',
    );
    expect(texts.get('shop=B.csv')).toBe('id,shop,note\r\n2,B,"two\r\nlines"\r\n7,B,last\r\n');
    expect(texts.get('shop=q%22uote.csv')).toBe('id,shop,note\r\n5,"q""uote",y\r\n6,q"uote,z\r\n');
    expect(index.source.rows).toBe(7);
  });

  it('writes only the header for a file without data rows: no partitions', async () => {
    const file = path.join(work, 'empty.csv');
    await writeFile(file, 'Store,Brand,Quantity\n');
    const index = await partitionCsvByKeys(file, { keys: ['Store'], outDir: outDir() });
    expect(index.partitions).toEqual([]);
    expect(index.source.rows).toBe(0);
  });
});

describe('partitionCsvByKeys errors', () => {
  const cases: { name: string; csv: string; keys: string[]; message: string; details: object }[] = [
    {
      name: 'a missing key column',
      csv: 'Store,Brand\n1,a\n',
      keys: ['Store', 'brand'],
      message: 'bad.csv: no column "brand" to partition by (columns: Store, Brand)',
      details: { file: 'bad.csv', field: 'brand' },
    },
    {
      name: 'a ragged row',
      csv: 'Store,Brand,Quantity\n1,a,3\n2,b\n',
      keys: ['Store'],
      message: 'bad.csv: data row 2 has 2 fields, the header has 3',
      details: { file: 'bad.csv', row: 2 },
    },
    {
      name: 'an empty key value',
      csv: 'Store,Brand,Quantity\n1,a,3\n2,,4\n',
      keys: ['Store', 'Brand'],
      message: 'bad.csv: data row 2 has an empty value for a key column',
      details: { file: 'bad.csv', row: 2, field: 'Brand' },
    },
    {
      name: 'an unterminated quote',
      csv: 'Store,Brand\n1,a\n2,"b\n3,c\n',
      keys: ['Store'],
      message: 'bad.csv: data row 2 has a quoted field that is never closed',
      details: { file: 'bad.csv', row: 2 },
    },
    {
      name: 'an empty file',
      csv: '\n\n',
      keys: ['Store'],
      message: 'bad.csv: the file is empty: expected a header line with the column names',
      details: { file: 'bad.csv' },
    },
  ];

  it.each(cases)('rejects $name with a ValidationError naming file, row and field', async (c) => {
    const file = path.join(work, 'bad.csv');
    await writeFile(file, c.csv);
    const error = await partitionCsvByKeys(file, { keys: c.keys, outDir: outDir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(c.message);
    expect((error as ValidationError).details).toEqual(c.details);
    expect(existsSync(path.join(outDir(), '_partitions.json'))).toBe(false);
  });

  it('rejects duplicate keys, a non-empty output folder and a missing input', async () => {
    await expect(partitionCsvByKeys(ojTrain, { keys: ['Store', 'Store'], outDir: outDir() })).rejects.toThrow(
      'partition keys must be distinct',
    );
    await writeFile(path.join(work, 'not-empty.txt'), 'x');
    await expect(partitionCsvByKeys(ojTrain, { keys: ['Store'], outDir: work })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const missing = path.join(work, 'missing.csv');
    await expect(partitionCsvByKeys(missing, { keys: ['Store'], outDir: outDir() })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
