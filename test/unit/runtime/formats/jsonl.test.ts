import { ConflictError, ValidationError } from '../../../../src/errors';
import { parseJsonlPartition } from '../../../../src/runtime/formats/parseJsonlPartition';
import { planJsonlPartitions } from '../../../../src/runtime/formats/planJsonlPartitions';
import { readJsonlColumns } from '../../../../src/runtime/formats/readJsonlColumns';
import type { RowError, ScoringBatch } from '../../../../src/runtime/formats/ScoringBatch';
import { chunksOf, rowsOf } from './formatsTestKit';

const schema = { featureColumns: ['a', 'b'], passThroughColumns: ['id'] };

async function parseAll(bytes: Buffer, target: number, chunk: number): Promise<ScoringBatch[]> {
  const plan = await planJsonlPartitions(chunksOf(bytes, chunk), bytes.length, target);
  return plan.partitions.map((partition) =>
    parseJsonlPartition(bytes.subarray(partition.start, partition.end), partition, schema),
  );
}

describe('readJsonlColumns', () => {
  it('takes the columns from the first record, after a byte order mark and blank lines', () => {
    expect(readJsonlColumns(Buffer.from('\uFEFF\n  \r\n{"id":1,"a":2,"b":{"c":3}}\n{"z":1}\n'))).toEqual([
      'id',
      'a',
      'b',
    ]);
  });

  it.each<[string, string | Buffer, string]>([
    ['an empty file', '', 'the file is empty: expected at least one JSON record'],
    ['blank lines only', '\n \r\n\t\n', 'the file is empty: expected at least one JSON record'],
    ['invalid JSON', '{"a":1,}\n', 'row 1: invalid JSON: '],
    ['an array', '[1,2]\n', 'row 1: not a JSON object'],
    ['a number', '42\n', 'row 1: not a JSON object'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'row 1: invalid UTF-8 bytes'],
    ['an empty field name', '{"":1}\n', 'column 1 of the header has an empty name'],
  ])('rejects %s', (_case, text, message) => {
    expect(() => readJsonlColumns(Buffer.from(text))).toThrow(ValidationError);
    expect(() => readJsonlColumns(Buffer.from(text))).toThrow(message);
  });
});

describe('planJsonlPartitions and parseJsonlPartition', () => {
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `r${i}`, a: i, b: `${i}.5` }));
  const bytes = Buffer.from(
    `\uFEFF${lines.slice(0, 10).join('\n')}\n\n   \n${lines.slice(10).join('\r\n')}\n\n`,
  );

  it('numbers records without the blank lines, whatever the target and chunk sizes', async () => {
    const expected = lines.map((_, i) => ({ row: i + 1, id: `r${i}`, a: i, b: i + 0.5 }));
    for (const target of [1, 50, 300, 1e9]) {
      for (const chunk of [1, 7, 4096]) {
        const batches = await parseAll(bytes, target, chunk);
        expect(batches.flatMap((batch) => rowsOf(batch, schema))).toEqual(expected);
        expect(batches.every((batch) => batch.errors.length === 0)).toBe(true);
      }
    }
  });

  it('plans deterministic partitions that cover the file after the byte order mark', async () => {
    const plan = await planJsonlPartitions(chunksOf(bytes, bytes.length), bytes.length, 100);
    expect(await planJsonlPartitions(chunksOf(bytes, 3), bytes.length, 100)).toEqual(plan);
    expect(plan.header).toEqual(['id', 'a', 'b']);
    expect(plan.totalRows).toBe(30);
    expect(plan.partitions[0]!.start).toBe(3);
    expect(plan.partitions.at(-1)!.end).toBe(bytes.length);
    plan.partitions.slice(1).forEach((partition, i) => expect(partition.start).toBe(plan.partitions[i]!.end));
  });

  it('rejects an empty file', async () => {
    await expect(planJsonlPartitions(chunksOf(Buffer.alloc(0), 1), 0, 100)).rejects.toThrow(
      new ValidationError('the file is empty: expected at least one JSON record'),
    );
  });

  it.each<[string, string | Buffer, RowError]>([
    [
      'invalid JSON',
      '{"id":"x","a":1,"b":}',
      { row: 2, reason: expect.stringMatching(/^invalid JSON: /) as string },
    ],
    [
      'a truncated line',
      '{"id":"x","a":1',
      { row: 2, reason: expect.stringMatching(/^invalid JSON: /) as string },
    ],
    ['not an object', '[1,2]', { row: 2, reason: 'not a JSON object' }],
    ['null', 'null', { row: 2, reason: 'not a JSON object' }],
    ['a missing field', '{"id":"x","a":1}', { row: 2, field: 'b', reason: 'missing field' }],
    [
      'a field from Object.prototype',
      '{"id":"x","a":1,"c":2}',
      { row: 2, field: 'b', reason: 'missing field' },
    ],
    ['a null field', '{"id":"x","a":null,"b":2}', { row: 2, field: 'a', reason: 'null value' }],
    [
      'a non-numeric string',
      '{"id":"x","a":"abc","b":2}',
      { row: 2, field: 'a', reason: 'not a number: "abc"' },
    ],
    ['an empty string', '{"id":"x","a":1,"b":" "}', { row: 2, field: 'b', reason: 'empty value' }],
    ['a boolean', '{"id":"x","a":true,"b":2}', { row: 2, field: 'a', reason: 'not a number: "true"' }],
    [
      'an object',
      '{"id":"x","a":{"v":1},"b":2}',
      { row: 2, field: 'a', reason: 'not a number: "{\\"v\\":1}"' },
    ],
    [
      'beyond float32',
      '{"id":"x","a":1e39,"b":2}',
      { row: 2, field: 'a', reason: 'out of float32 range: 1e+39' },
    ],
    [
      'beyond float32 as text',
      '{"id":"x","a":"-1e39","b":2}',
      { row: 2, field: 'a', reason: 'out of float32 range: "-1e39"' },
    ],
    [
      'invalid UTF-8',
      Buffer.from('{"id":"\xff","a":1,"b":2}', 'latin1'),
      { row: 2, reason: 'invalid UTF-8 bytes' },
    ],
  ])('reports one error row and keeps the others: %s', (_case, bad, error) => {
    const bytes = Buffer.concat([
      Buffer.from('{"id":"first","a":1,"b":"2"}\n'),
      Buffer.from(bad),
      Buffer.from('\n{"id":"last","a":3,"b":4,"extra":[1]}\n'),
    ]);
    const batch = parseJsonlPartition(
      bytes,
      { index: 0, start: 0, end: bytes.length, firstRow: 1, rows: 3 },
      schema,
    );
    expect(batch.errors).toEqual([error]);
    expect(batch.totalRows).toBe(3);
    expect(rowsOf(batch, schema)).toEqual([
      { row: 1, a: 1, b: 2, id: 'first' },
      { row: 3, a: 3, b: 4, id: 'last' },
    ]);
  });

  it('stringifies pass-through values of any type', () => {
    const bytes = Buffer.from(
      ['"s"', '12.5', 'true', 'null', '{"k":[1,"x"]}'].map((id) => `{"id":${id},"a":1,"b":2}`).join('\n') +
        '\n{"a":1,"b":2}',
    );
    const batch = parseJsonlPartition(
      bytes,
      { index: 0, start: 0, end: bytes.length, firstRow: 1, rows: 6 },
      schema,
    );
    expect(batch.passThrough).toEqual([['s', '12.5', 'true', '', '{"k":[1,"x"]}', '']]);
  });

  it('fails with a ConflictError when the bytes hold another number of records than planned', () => {
    const bytes = Buffer.from('{"a":1,"b":2}\n{"a":1,"b":2}\n');
    expect(() =>
      parseJsonlPartition(bytes, { index: 3, start: 0, end: bytes.length, firstRow: 1, rows: 1 }, schema),
    ).toThrow(ConflictError);
  });

  it('survives a 10 MB line', async () => {
    const big = Buffer.from(
      `{"id":"${'x'.repeat(10 * 1024 * 1024)}","a":1,"b":2}\n{"id":"y","a":1,"b":"${'9'.repeat(1024 * 1024)}"}\n`,
    );
    const started = Date.now();
    const [batch] = await parseAll(big, 1024, 65536);
    const second = (await parseAll(big, 1024, 65536))[1]!;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(batch!.passThrough[0]![0]).toHaveLength(10 * 1024 * 1024);
    expect(second.errors).toEqual([
      { row: 2, field: 'b', reason: `out of float32 range: "${'9'.repeat(40)}..."` },
    ]);
  });
});
