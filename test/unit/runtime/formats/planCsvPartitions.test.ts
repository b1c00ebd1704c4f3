import { TransientError, ValidationError } from '../../../../src/errors';
import { parseCsvPartition } from '../../../../src/runtime/formats/parseCsvPartition';
import { planCsvPartitions } from '../../../../src/runtime/formats/planCsvPartitions';
import { evenPartitionBytes } from '../../../../src/runtime/formats/PartitionBuilder';
import { takeWholeCsvRecords, takeWholeJsonlRecords } from '../../../../src/runtime/formats/takeWholeRecords';
import type { Partition } from '../../../../src/runtime/formats/ScoringBatch';
import { chunksOf, planAndParseCsv, parseWholeCsv, rowsOf } from './formatsTestKit';

const schema = { featureColumns: ['x'], passThroughColumns: ['id', 'note'] };

/** Notes with the delimiter, doubled quotes, LF and CRLF inside quotes, and empty values. */
const quotedCsv = Buffer.from(
  'id,note,x\r\n' +
    '1,plain,1.5\r\n' +
    '2,"two\nlines",2.5\r\n' +
    '3,"comma, and ""quotes""",3.5\r\n' +
    '\r\n' +
    '4,"crlf\r\ninside\r\n",4.5\r\n' +
    '5,"",5.5\r\n' +
    '6,"""\n""",6.5\r\n' +
    '7,last,7.5',
);

function expectCovering(
  partitions: Partition[],
  dataStart: number,
  totalBytes: number,
  totalRows: number,
): void {
  partitions.forEach((partition, i) => {
    expect(partition.index).toBe(i);
    expect(partition.start).toBe(i === 0 ? dataStart : partitions[i - 1]!.end);
    expect(partition.rows).toBeGreaterThan(0);
    expect(partition.firstRow).toBe(i === 0 ? 1 : partitions[i - 1]!.firstRow + partitions[i - 1]!.rows);
  });
  expect(partitions.at(-1)?.end).toBe(totalBytes);
  expect(partitions.reduce((sum, p) => sum + p.rows, 0)).toBe(totalRows);
}

describe('planCsvPartitions', () => {
  it('counts rows and cuts at record starts, never inside quoted newlines', async () => {
    const plan = await planCsvPartitions(chunksOf(quotedCsv, 5), quotedCsv.length, {}, 1);
    expect(plan.header).toEqual(['id', 'note', 'x']);
    expect(plan.totalRows).toBe(7);
    expect(plan.partitions).toHaveLength(7);
    expectCovering(plan.partitions, 'id,note,x\r\n'.length, quotedCsv.length, 7);
    for (const partition of plan.partitions) {
      const text = quotedCsv.toString('utf8', partition.start, partition.end);
      // A partition starts with a record, or with the blank lines before one.
      expect(text).toMatch(/^(\r?\n)*\d,/);
    }
  });

  it.each([1, 7, 16, 40, 1000])(
    'with target %i bytes, parsing every partition gives the rows of a whole-file parse, in order, once',
    async (target) => {
      const whole = await parseWholeCsv(quotedCsv, schema);
      for (const chunk of [1, 2, 3, 8, 64]) {
        const { rows, errors } = await planAndParseCsv(quotedCsv, schema, { target, chunk });
        expect(rows).toEqual(rowsOf(whole, schema));
        expect(errors).toEqual([]);
      }
      expect(rowsOf(whole, schema).map((row) => row.note)).toEqual([
        'plain',
        'two\nlines',
        'comma, and "quotes"',
        'crlf\r\ninside\r\n',
        '',
        '"\n"',
        'last',
      ]);
    },
  );

  it('gives the same partitions whatever the chunk sizes', async () => {
    const bytes = Buffer.from('a,b\n' + Array.from({ length: 200 }, (_, i) => `${i},"v\n${i}"\n`).join(''));
    const reference = await planCsvPartitions(chunksOf(bytes, bytes.length), bytes.length, {}, 97);
    for (const chunk of [1, 3, 5, 64, 4096]) {
      expect(await planCsvPartitions(chunksOf(bytes, chunk), bytes.length, {}, 97)).toEqual(reference);
    }
    expectCovering(reference.partitions, 4, bytes.length, 200);
  });

  it.each([
    ['header only with line end', 'a,b\n'],
    ['header only without line end', 'a,b'],
    ['header and blank lines', 'a,b\r\n\r\n\n'],
  ])('plans no partitions for a file without data rows: %s', async (_case, text) => {
    const bytes = Buffer.from(text);
    const plan = await planCsvPartitions(chunksOf(bytes, 2), bytes.length, {}, 10);
    expect(plan).toEqual({ header: ['a', 'b'], partitions: [], totalRows: 0 });
  });

  it('rejects an empty file with a ValidationError', async () => {
    const plan = planCsvPartitions(chunksOf(Buffer.alloc(0), 1), 0, {}, 10);
    await expect(plan).rejects.toThrow(ValidationError);
    await expect(planCsvPartitions(chunksOf(Buffer.alloc(0), 1), 0, {}, 10)).rejects.toThrow(
      'the file is empty: expected a header line with the column names',
    );
  });

  it('skips a byte order mark and keeps trailing blank lines in the last partition', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('"id",x\n1,2\n2,3\n\n\n')]);
    const plan = await planCsvPartitions(chunksOf(bytes, 1), bytes.length, {}, 1);
    expect(plan.header).toEqual(['id', 'x']);
    expect(plan.partitions).toEqual([
      { index: 0, start: 10, end: 14, firstRow: 1, rows: 1 },
      { index: 1, start: 14, end: bytes.length, firstRow: 2, rows: 1 },
    ]);
  });

  it('treats an unterminated quote as one record running to the end of the file', async () => {
    const bytes = Buffer.from('id,x\n1,2\n2,"open\n3,4\n4,5\n');
    const plan = await planCsvPartitions(chunksOf(bytes, 3), bytes.length, {}, 1);
    expect(plan.totalRows).toBe(2);
    expect(plan.partitions.at(-1)).toMatchObject({ start: 9, end: bytes.length, firstRow: 2, rows: 1 });
  });

  it('fails with a TransientError when the stream ends early', async () => {
    const bytes = Buffer.from('a,b\n1,2\n');
    await expect(planCsvPartitions(chunksOf(bytes, 3), bytes.length + 5, {}, 10)).rejects.toThrow(
      TransientError,
    );
  });

  it('rejects a target size below one byte', async () => {
    const bytes = Buffer.from('a,b\n1,2\n');
    await expect(planCsvPartitions(chunksOf(bytes, 3), bytes.length, {}, 0)).rejects.toThrow(
      'the target partition size must be at least 1 byte, got 0',
    );
  });

  it('rejects a header line longer than 16 MiB instead of buffering it all', async () => {
    const bytes = Buffer.alloc(17 * 1024 * 1024, 'a');
    await expect(planCsvPartitions(chunksOf(bytes, 1024 * 1024), bytes.length, {}, 1024)).rejects.toThrow(
      new ValidationError('the first record is longer than 16777216 bytes'),
    );
  });

  it('handles a 10 MB single line in linear time', async () => {
    const bytes = Buffer.from(
      `id,x\n1,${'9'.repeat(10 * 1024 * 1024)}\n2,"${'q'.repeat(1024 * 1024)}\n"\n3,4\n`,
    );
    const started = Date.now();
    const plan = await planCsvPartitions(chunksOf(bytes, 64 * 1024), bytes.length, {}, 1024);
    expect(plan.totalRows).toBe(3);
    expect(plan.partitions.map((p) => p.rows)).toEqual([1, 1, 1]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('takeWholeCsvRecords and takeWholeJsonlRecords', () => {
  const schema1 = { featureColumns: ['x'], passThroughColumns: ['note'] };

  it('cuts a CSV sample after its last whole record, never inside quotes, and counts its rows', () => {
    const data = Buffer.from('n1,1\n\n"a\nb",2\n"c\nd",3\n');
    const sample = data.subarray(0, data.indexOf('d'));
    const whole = takeWholeCsvRecords(sample);
    expect(whole.bytes.toString()).toBe('n1,1\n\n"a\nb",2\n');
    expect(whole.rows).toBe(2);
    const batch = parseCsvPartition(
      whole.bytes,
      { index: 0, start: 0, end: whole.bytes.length, firstRow: 1, rows: whole.rows },
      ['note', 'x'],
      schema1,
    );
    expect(rowsOf(batch, schema1)).toEqual([
      { row: 1, x: 1, note: 'n1' },
      { row: 2, x: 2, note: 'a\nb' },
    ]);
  });

  it('cuts a JSON Lines sample after its last line feed and counts its non-blank lines', () => {
    const whole = takeWholeJsonlRecords(Buffer.from('{"x":1}\n \n{"x":2}\n{"x":'));
    expect(whole).toEqual({ bytes: Buffer.from('{"x":1}\n \n{"x":2}\n'), rows: 2 });
  });
});

describe('evenPartitionBytes', () => {
  it.each([
    [45_000_000, 32 * 1024 * 1024, 22_500_000],
    [10_000, 32 * 1024 * 1024, 10_000],
    [100, 10, 10],
    [101, 10, 10],
    [0, 10, 1],
  ])('%d bytes at most %d per partition → target %d', (bytes, max, expected) => {
    expect(evenPartitionBytes(bytes, max)).toBe(expected);
  });

  it('gives partitions of about equal size for a real plan', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${i},${i * 2}\n`).join('');
    const bytes = Buffer.from(`a,b\n${lines}`);
    const plan = await planCsvPartitions(
      chunksOf(bytes, 4096),
      bytes.length,
      {},
      evenPartitionBytes(bytes.length, 16_000),
    );
    const sizes = plan.partitions.map((p) => p.end - p.start);
    expect(sizes.length).toBe(Math.ceil(bytes.length / 16_000));
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(20);
  });
});
