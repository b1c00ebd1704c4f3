import { ValidationError } from '../../../../src/errors';
import { byteRangeReaderOf } from '../../../../src/runtime/formats/ByteRangeReader';
import { formatCsvOutput } from '../../../../src/runtime/formats/formatCsvOutput';
import { formatErrorsJsonl } from '../../../../src/runtime/formats/formatErrorsJsonl';
import { formatFloat32 } from '../../../../src/runtime/formats/formatFloat32';
import { formatJsonlOutput } from '../../../../src/runtime/formats/formatJsonlOutput';
import { formatParquetOutput } from '../../../../src/runtime/formats/formatParquetOutput';
import { parseJsonlPartition } from '../../../../src/runtime/formats/parseJsonlPartition';
import { parseParquetPartition } from '../../../../src/runtime/formats/parseParquetPartition';
import { planJsonlPartitions } from '../../../../src/runtime/formats/planJsonlPartitions';
import { readParquetLayout } from '../../../../src/runtime/formats/readParquetLayout';
import type { PredictionColumn, ScoringBatch } from '../../../../src/runtime/formats/ScoringBatch';
import { chunksOf, parseWholeCsv, planAndParseCsv, rowsOf } from './formatsTestKit';

/** A scored batch of three rows with awkward pass-through text. */
function scoredBatch(
  ids: string[],
  notes: string[],
  first: number,
): { batch: ScoringBatch; predictions: PredictionColumn[] } {
  const rows = ids.length;
  const batch: ScoringBatch = {
    totalRows: rows,
    rowCount: rows,
    rowNumbers: Uint32Array.from(ids, (_, i) => first + i),
    features: new Float32Array(0),
    passThrough: [ids, notes],
    errors: [],
  };
  const predictions: PredictionColumn[] = [
    { name: 'y', width: 1, values: Float32Array.from(ids, (_, i) => (first + i) / 3) },
    {
      name: 'p',
      width: 2,
      values: Float64Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? 0.25 : 0.75) + first),
    },
    { name: 'label', width: 1, values: BigInt64Array.from(ids, (_, i) => BigInt(first + i)) },
  ];
  return { batch, predictions };
}

const partsInput = [
  scoredBatch(['a', 'b,c', 'd"e'], ['x\ny', '', 'ñ 日本'], 1),
  scoredBatch(['f\r\ng', ' h ', ''], ['"', ',', 'last'], 4),
];
const outputSchema = { featureColumns: ['y', 'p_0', 'p_1', 'label'], passThroughColumns: ['id', 'note'] };
const expectedRows = partsInput.flatMap(({ batch, predictions }, part) =>
  batch.passThrough[0]!.map((id, i) => ({
    row: part * 3 + i + 1,
    id,
    note: batch.passThrough[1]![i],
    y: predictions[0]!.values[i],
    p_0: Math.fround(Number(predictions[1]!.values[2 * i])),
    p_1: Math.fround(Number(predictions[1]!.values[2 * i + 1])),
    label: Number(predictions[2]!.values[i]),
  })),
);
const options = (part: number) => ({ includeHeader: part === 0, passThroughColumns: ['id', 'note'] });

describe('formatFloat32', () => {
  it.each([
    [0.1, '0.1'],
    [1 / 3, '0.33333334'],
    [152.13348, '152.13348'],
    [1e-7, '1e-7'],
    [-2.5, '-2.5'],
    [16777216, '16777216'],
    [3e10, '30000000000'],
    [3.4028234663852886e38, '3.4028235e+38'],
  ])('writes float32(%d) as %s', (value, text) => {
    expect(formatFloat32(Math.fround(value))).toBe(text);
  });

  it('reads back as the same float32, with at most 9 significant digits', () => {
    const words = new Uint32Array(20000).map((_, i) => (Math.imul(i, 2654435761) ^ (i << 7)) >>> 0);
    const values = Array.from(new Float32Array(words.buffer)).filter(Number.isFinite);
    const bad = values.filter((value) => {
      const text = formatFloat32(value);
      const digits = text
        .replace(/e.*$/, '')
        .replace(/[-.]/g, '')
        .replace(/^0+|0+$/g, '').length;
      return Math.fround(Number(text)) !== value || digits > 9;
    });
    expect(bad).toEqual([]);
  });
});

describe('formatCsvOutput', () => {
  it('quotes only what must be quoted and names wide outputs name_0..name_{w-1}', () => {
    const { batch, predictions } = partsInput[0]!;
    expect(formatCsvOutput(batch, predictions, options(0)).toString()).toBe(
      'id,note,y,p_0,p_1,label\n' +
        'a,"x\ny",0.33333334,1.25,1.75,1\n' +
        '"b,c",,0.6666667,1.25,1.75,2\n' +
        '"d""e",ñ 日本,1,1.25,1.75,3\n',
    );
  });

  it('writes a header only when asked, NaN as an empty field, a lone empty value quoted', () => {
    const batch: ScoringBatch = { ...partsInput[0]!.batch, rowCount: 2, passThrough: [['', 'k']] };
    const y = { name: 'score', width: 1, values: new Float32Array([NaN, Infinity]) };
    expect(formatCsvOutput(batch, [], { includeHeader: false, passThroughColumns: ['id'] }).toString()).toBe(
      '""\nk\n',
    );
    expect(formatCsvOutput(batch, [y], { includeHeader: true, passThroughColumns: ['id'] }).toString()).toBe(
      'id,score\n,\nk,\n',
    );
  });

  it('uses the configured delimiter and quote', () => {
    const { batch } = scoredBatch(["it's", 'a;b'], ['', ''], 1);
    const text = formatCsvOutput(batch, [], {
      includeHeader: true,
      passThroughColumns: ['id', 'note'],
      delimiter: ';',
      quote: "'",
    });
    expect(text.toString()).toBe("id;note\n'it''s';\n'a;b';\n");
  });

  it('concatenates partition outputs into one file that parses back to the same rows, in order', async () => {
    const file = Buffer.concat(
      partsInput.map(({ batch, predictions }, part) => formatCsvOutput(batch, predictions, options(part))),
    );
    const whole = await parseWholeCsv(file, outputSchema);
    expect(whole.errors).toEqual([]);
    expect(rowsOf(whole, outputSchema)).toEqual(expectedRows);
    const { rows } = await planAndParseCsv(file, outputSchema, { target: 1, chunk: 3 });
    expect(rows).toEqual(expectedRows);
  });

  it.each<[string, () => Buffer, new (...args: never[]) => Error, string]>([
    [
      'two columns with one name',
      () =>
        formatCsvOutput(partsInput[0]!.batch, partsInput[0]!.predictions, {
          includeHeader: true,
          passThroughColumns: ['id', 'y'],
        }),
      ValidationError,
      'the output would have two columns named "y"',
    ],
    [
      'an output of the wrong length',
      () =>
        formatCsvOutput(
          partsInput[0]!.batch,
          [{ name: 'y', width: 2, values: new Float32Array(3) }],
          options(0),
        ),
      RangeError,
      'output "y" holds 3 values for 3 rows of width 2',
    ],
    [
      'pass-through names that do not match the batch',
      () => formatCsvOutput(partsInput[0]!.batch, [], { includeHeader: true, passThroughColumns: ['id'] }),
      RangeError,
      '1 pass-through column names for 2 pass-through columns',
    ],
  ])('rejects %s', (_case, format, type, message) => {
    expect(format).toThrow(type);
    expect(format).toThrow(message);
  });
});

describe('formatJsonlOutput', () => {
  it('writes one object per row, null for values that are not finite', () => {
    const batch: ScoringBatch = { ...partsInput[0]!.batch, rowCount: 1 };
    const y = { name: 'y', width: 1, values: new Float32Array([NaN]) };
    expect(formatJsonlOutput(batch, [y], options(0)).toString()).toBe('{"id":"a","note":"x\\ny","y":null}\n');
  });

  it('escapes pass-through text as JSON.stringify does', () => {
    const texts = ['plain', 'back\\slash', 'tab\there', 'quote"d', '\u0000', '😀', 'lone \ud800', 'ñ'];
    const batch: ScoringBatch = { ...partsInput[0]!.batch, rowCount: texts.length, passThrough: [texts] };
    const expected = texts.map((text) => `{"id":${JSON.stringify(text)}}\n`).join('');
    expect(
      formatJsonlOutput(batch, [], { includeHeader: false, passThroughColumns: ['id'] }).toString(),
    ).toBe(expected);
  });

  it('concatenates partition outputs into one file that parses back to the same rows', async () => {
    const file = Buffer.concat(
      partsInput.map(({ batch, predictions }, part) => formatJsonlOutput(batch, predictions, options(part))),
    );
    const plan = await planJsonlPartitions(chunksOf(file, 7), file.length, 50);
    expect(plan.header).toEqual(['id', 'note', 'y', 'p_0', 'p_1', 'label']);
    const rows = plan.partitions.flatMap((partition) =>
      rowsOf(parseJsonlPartition(file, partition, outputSchema), outputSchema),
    );
    expect(rows).toEqual(expectedRows);
  });
});

describe('formatParquetOutput', () => {
  it('writes a file per partition with the outputs’ own types that reads back to the same rows', async () => {
    const rows = [];
    for (const [part, { batch, predictions }] of partsInput.entries()) {
      const reader = byteRangeReaderOf(await formatParquetOutput(batch, predictions, options(part)));
      const layout = await readParquetLayout(reader);
      expect(layout.columns.map((column) => `${column.name}:${column.type}`)).toEqual([
        'id:STRING',
        'note:STRING',
        'y:FLOAT',
        'p_0:DOUBLE',
        'p_1:DOUBLE',
        'label:INT64',
      ]);
      const batchBack = await parseParquetPartition(reader, layout.partitions[0]!, outputSchema);
      rows.push(
        ...rowsOf(batchBack, outputSchema).map((row) => ({ ...row, row: (row.row as number) + part * 3 })),
      );
    }
    expect(rows).toEqual(expectedRows);
  });

  it('writes an empty batch as a valid file without rows', async () => {
    const empty: ScoringBatch = { ...partsInput[0]!.batch, rowCount: 0, passThrough: [[], []] };
    const y = { name: 'y', width: 1, values: new Float32Array(0) };
    const layout = await readParquetLayout(
      byteRangeReaderOf(await formatParquetOutput(empty, [y], options(0))),
    );
    expect(layout.totalRows).toBe(0);
  });
});

describe('formatErrorsJsonl', () => {
  it('writes one line per bad row, with a null field when the row as a whole is bad', () => {
    const text = formatErrorsJsonl(
      [
        { row: 7, field: 'bmi', reason: 'not a number: "x"' },
        { row: 9, reason: 'too many fields: expected 3, found 4' },
      ],
      'input/data "1".csv',
    ).toString();
    expect(text).toBe(
      '{"file":"input/data \\"1\\".csv","row":7,"field":"bmi","reason":"not a number: \\"x\\""}\n' +
        '{"file":"input/data \\"1\\".csv","row":9,"field":null,"reason":"too many fields: expected 3, found 4"}\n',
    );
    expect(formatErrorsJsonl([], 'f').length).toBe(0);
  });
});
