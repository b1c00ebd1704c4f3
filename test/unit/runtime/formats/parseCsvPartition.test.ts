import { ConflictError, ValidationError } from '../../../../src/errors';
import { parseCsvPartition } from '../../../../src/runtime/formats/parseCsvPartition';
import type { RowError, ScoringBatch } from '../../../../src/runtime/formats/ScoringBatch';
import { parseWholeCsv, randomDecimals, rowsOf } from './formatsTestKit';

const schema = { featureColumns: ['a', 'b'], passThroughColumns: ['id'] };

/** A file with one bad row (row 2) between two good ones. */
function withBadRow(bad: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from('id,a,b\nfirst,1,2\n'), Buffer.from(bad), Buffer.from('\nlast,3,4\n')]);
}

function expectGoodRowsKept(batch: ScoringBatch): void {
  expect(batch.totalRows).toBe(batch.rowCount + batch.errors.length);
  expect(rowsOf(batch, schema)).toEqual([
    { row: 1, a: 1, b: 2, id: 'first' },
    { row: 3, a: 3, b: 4, id: 'last' },
  ]);
}

describe('parseCsvPartition', () => {
  it.each<[string, string | Buffer, RowError]>([
    ['too few fields', 'x,5', { row: 2, field: 'b', reason: 'too few fields: expected 3, found 2' }],
    ['one field only', 'abc', { row: 2, field: 'a', reason: 'too few fields: expected 3, found 1' }],
    ['too many fields', 'x,5,6,7', { row: 2, reason: 'too many fields: expected 3, found 4' }],
    ['unquoted delimiter in a value', 'x,y,5,6', { row: 2, reason: 'too many fields: expected 3, found 4' }],
    ['non-numeric value', 'x,abc,6', { row: 2, field: 'a', reason: 'not a number: "abc"' }],
    ['decimal comma', 'x,5,"6,5"', { row: 2, field: 'b', reason: 'not a number: "6,5"' }],
    ['hexadecimal', 'x,0x10,6', { row: 2, field: 'a', reason: 'not a number: "0x10"' }],
    ['NaN text', 'x,5,NaN', { row: 2, field: 'b', reason: 'not a number: "NaN"' }],
    ['Infinity text', 'x,Infinity,6', { row: 2, field: 'a', reason: 'not a number: "Infinity"' }],
    ['empty value', 'x,,6', { row: 2, field: 'a', reason: 'empty value' }],
    ['blank value', 'x,5,  ', { row: 2, field: 'b', reason: 'empty value' }],
    ['quoted empty value', 'x,"",6', { row: 2, field: 'a', reason: 'empty value' }],
    ['beyond float32', 'x,1e39,6', { row: 2, field: 'a', reason: 'out of float32 range: "1e39"' }],
    ['doubled quote in a number', 'x,"5""",6', { row: 2, field: 'a', reason: 'not a number: "5\\"\\""' }],
    [
      'text after a closing quote',
      'x,"5"7,6',
      { row: 2, field: 'a', reason: 'unexpected text after the closing quote' },
    ],
    ['first bad value wins', 'x,abc,def', { row: 2, field: 'a', reason: 'not a number: "abc"' }],
    [
      'long value cut in the reason',
      `x,${'z'.repeat(100)},6`,
      { row: 2, field: 'a', reason: `not a number: "${'z'.repeat(40)}..."` },
    ],
    ['CR inside a number', 'x,5\r7,6', { row: 2, field: 'a', reason: 'not a number: "5\\r7"' }],
    [
      'invalid UTF-8 in a pass-through value',
      Buffer.from([0x78, 0xff, 0x2c, 0x35, 0x2c, 0x36]),
      { row: 2, field: 'id', reason: 'invalid UTF-8 bytes' },
    ],
    [
      'invalid UTF-8 in a feature',
      Buffer.from([0x78, 0x2c, 0x35, 0xc3, 0x2c, 0x36]),
      { row: 2, field: 'a', reason: 'invalid UTF-8 bytes' },
    ],
    [
      'invalid UTF-8 beats a wrong field count',
      Buffer.from([0xfe, 0x2c, 0x35]),
      { row: 2, field: 'id', reason: 'invalid UTF-8 bytes' },
    ],
  ])('reports one error row and keeps the others: %s', (_case, bad, error) => {
    const bytes = withBadRow(bad);
    const batch = parseCsvPartition(
      bytes,
      { index: 0, start: 7, end: bytes.length, firstRow: 1, rows: 3 },
      ['id', 'a', 'b'],
      schema,
    );
    expect(batch.errors).toEqual([error]);
    expectGoodRowsKept(batch);
  });

  it('reports an unterminated quote at the end of the partition as its last row', async () => {
    const bytes = Buffer.from('id,a,b\nfirst,1,2\nlast,3,4\nx,5,"6\n7,8\n');
    const batch = await parseWholeCsv(bytes, schema);
    expect(batch.errors).toEqual([{ row: 3, field: 'b', reason: 'unterminated quoted field' }]);
    expect(batch.totalRows).toBe(3);
    expect(batch.rowCount).toBe(2);
  });

  it('reads quoted numbers, blanks around numbers, signs, exponents and CRLF', async () => {
    const bytes = Buffer.from('id,a,b\r\n"q",  1.5 ,"-2"\r\nr,+3e2,.25\r\ns,"1,5e-1" ,7.\r\n');
    const batch = await parseWholeCsv(bytes, schema);
    expect(rowsOf(batch, schema)).toEqual([
      { row: 1, a: 1.5, b: -2, id: 'q' },
      { row: 2, a: 300, b: 0.25, id: 'r' },
    ]);
    expect(batch.errors).toEqual([{ row: 3, field: 'a', reason: 'unexpected text after the closing quote' }]);
  });

  it('reads every decimal as Math.fround(Number(text)), on the fast path and off it', async () => {
    const texts = randomDecimals(10000, 11).filter((text) => Number.isFinite(Math.fround(Number(text))));
    const half = texts.length >> 1;
    const lines = texts.slice(0, half).map((text, i) => `${i},${text},${texts[half + i]}`);
    const batch = await parseWholeCsv(Buffer.from(`id,a,b\n${lines.join('\n')}\n`), schema);
    expect(batch.errors).toEqual([]);
    const expected = Float32Array.from(
      texts.slice(0, half).flatMap((text, i) => [Number(text), Number(texts[half + i])]),
    );
    const mismatches = lines.filter(
      (_line, i) =>
        batch.features[2 * i] !== expected[2 * i] || batch.features[2 * i + 1] !== expected[2 * i + 1],
    );
    expect(mismatches).toEqual([]);
  });

  it('keeps pass-through text exactly: quotes, delimiters, newlines, non-ASCII', async () => {
    const bytes = Buffer.from('id,a,b\n"say ""hi"", then\nbye",1,2\nñandú 日本,3,4\n');
    const batch = await parseWholeCsv(bytes, schema);
    expect(batch.passThrough).toEqual([['say "hi", then\nbye', 'ñandú 日本']]);
  });

  it('maps features by header name, in the schema order, whatever the column order', async () => {
    const bytes = Buffer.from('b,unused,id,a\n2,z,x,1\n');
    const batch = await parseWholeCsv(bytes, { featureColumns: ['a', 'b'], passThroughColumns: ['id', 'a'] });
    expect(Array.from(batch.features)).toEqual([1, 2]);
    expect(batch.passThrough).toEqual([['x'], ['1']]);
  });

  it('rejects a schema that lists a feature twice', async () => {
    const bytes = Buffer.from('a,b\n1,2\n');
    await expect(
      parseWholeCsv(bytes, { featureColumns: ['a', 'b', 'a'], passThroughColumns: [] }),
    ).rejects.toThrow(new ValidationError('feature column "a" is listed twice'));
  });

  it('reads other delimiters and quotes', async () => {
    const bytes = Buffer.from("id;a;b\n'x;1';1,5;2\n'y''s';3;4\n");
    const batch = await parseWholeCsv(bytes, schema, { delimiter: ';', quote: "'" });
    expect(rowsOf(batch, schema)).toEqual([{ row: 2, a: 3, b: 4, id: "y's" }]);
    expect(batch.errors).toEqual([{ row: 1, field: 'a', reason: 'not a number: "1,5"' }]);
  });

  it.each<[string, string[], string[], string, string]>([
    [
      'a feature column',
      ['a', 'c', 'd'],
      [],
      'missing feature column(s): c, d (the input has: id, a, b)',
      'c,d',
    ],
    [
      'a pass-through column',
      ['a'],
      ['key'],
      'missing pass-through column(s): key (the input has: id, a, b)',
      'key',
    ],
  ])(
    'names missing columns before reading any row: %s',
    (_case, featureColumns, passThroughColumns, message, field) => {
      const bytes = Buffer.from('id,a,b\nnot,even,read\n');
      const parse = (): ScoringBatch =>
        parseCsvPartition(
          bytes,
          { index: 0, start: 7, end: bytes.length, firstRow: 1, rows: 1 },
          ['id', 'a', 'b'],
          {
            featureColumns,
            passThroughColumns,
          },
        );
      expect(parse).toThrow(ValidationError);
      expect(parse).toThrow(message);
      try {
        parse();
      } catch (error) {
        expect((error as ValidationError).details).toEqual({ field });
      }
    },
  );

  it('accepts the partition bytes alone or the whole file', () => {
    const bytes = Buffer.from('id,a,b\nx,1,2\ny,3,4\n');
    const partition = { index: 1, start: 13, end: bytes.length, firstRow: 2, rows: 1 };
    const fromWhole = parseCsvPartition(bytes, partition, ['id', 'a', 'b'], schema);
    const fromRange = parseCsvPartition(bytes.subarray(13), partition, ['id', 'a', 'b'], schema);
    expect(rowsOf(fromRange, schema)).toEqual([{ row: 2, a: 3, b: 4, id: 'y' }]);
    expect(fromWhole).toEqual(fromRange);
    expect(() => parseCsvPartition(bytes.subarray(0, 10), partition, ['id', 'a', 'b'], schema)).toThrow(
      RangeError,
    );
  });

  it('fails with a ConflictError when the bytes hold another number of rows than planned', () => {
    const bytes = Buffer.from('id,a,b\nx,1,2\ny,3,4\n');
    const partition = { index: 0, start: 7, end: bytes.length, firstRow: 1, rows: 1 };
    expect(() => parseCsvPartition(bytes, partition, ['id', 'a', 'b'], schema)).toThrow(ConflictError);
    expect(() => parseCsvPartition(bytes, partition, ['id', 'a', 'b'], schema)).toThrow(
      'partition 0 holds 2 rows where the plan counted 1',
    );
  });

  it('survives a 10 MB line: a huge number is an error row, a huge text is kept', async () => {
    const huge = '9'.repeat(10 * 1024 * 1024);
    const bytes = Buffer.from(`id,a,b\nx,${huge},1\n${'t'.repeat(10 * 1024 * 1024)},2,3\nz,4,5\n`);
    const started = Date.now();
    const batch = await parseWholeCsv(bytes, schema);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(batch.errors).toEqual([
      { row: 1, field: 'a', reason: `out of float32 range: "${'9'.repeat(40)}..."` },
    ]);
    expect(batch.rowCount).toBe(2);
    expect(batch.passThrough[0]![0]).toHaveLength(10 * 1024 * 1024);
  });
});
