import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadHyparquetWriter } from '../../src/runtime/formats/loadParquetLibraries';
import type { JobRecord } from '../../src/scoring/JobStore';
import { CorpusChecks } from '../support/CorpusChecks';
import { ScoringHarness, parseSimpleCsv } from '../support/scoringHarness';

// The bad-input corpus, part 2: hostile or broken files dropped into the input container (CSV, JSON
// Lines, Parquet), odd blob names, and bad model references in blob metadata. Every drop must end in
// a job a user can act on: Failed with a reason naming what to fix, or (Partially)Succeeded with each
// bad row in _errors.jsonl by file, row and field. All drops are made at once, after a control job,
// and scored while the host keeps answering; a control job dropped at the end must succeed too.

const diabetesCsv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
const diabetes = parseSimpleCsv(diabetesCsv);
const header = diabetes.header.join(',');
const row = (index: number) => diabetes.rows[index]!.join(',');
const rows = (count: number) => diabetes.rows.slice(0, count).map((values) => values.join(','));
const bmi = diabetes.header.indexOf('bmi');
const withBmi = (index: number, value: string) =>
  diabetes.rows[index]!.map((cell, column) => (column === bmi ? value : cell)).join(',');
const record = (index: number, changes: Record<string, unknown> = {}) =>
  JSON.stringify({
    ...Object.fromEntries(
      diabetes.header.map((name, column) => [name, Number(diabetes.rows[index]![column])]),
    ),
    ...changes,
  });
const tenMegabytes = 10 * 1024 * 1024;

/** The diabetes rows as Parquet, with `bmi` replaced by `bmiColumn` when given. */
async function diabetesParquet(
  count: number,
  bmiColumn?: { data: unknown[]; type: string },
): Promise<Buffer> {
  const writer = await loadHyparquetWriter();
  const columnData = diabetes.header.map((name, column) =>
    name === 'bmi' && bmiColumn
      ? { name, ...bmiColumn }
      : { name, data: diabetes.rows.slice(0, count).map((values) => Number(values[column])), type: 'DOUBLE' },
  );
  return Buffer.from(
    writer.parquetWriteBuffer({ columnData } as Parameters<typeof writer.parquetWriteBuffer>[0]),
  );
}

interface ErrorRow {
  row: number;
  field: string | null;
  reason: string | RegExp;
}

interface DropCase {
  /** Blob name in the input container. */
  name: string;
  bytes: () => Promise<Buffer | string> | Buffer | string;
  metadata?: Record<string, string>;
  status: 'Succeeded' | 'PartiallySucceeded' | 'Failed';
  /** The job's reason: matched, or (text) exactly after "Input <container>/<blob>: ". */
  reason?: RegExp | string;
  scoredRows?: number;
  /** The rows of _errors.jsonl, in order; each must name this file. */
  errors?: ErrorRow[];
}

const partial = /^\d+ row\(s\) could not be scored; see _errors\.jsonl for each row and reason\.$/;

const csvCases: Record<string, DropCase> = {
  'an empty file': {
    name: 'csv/empty.csv',
    bytes: () => '',
    status: 'Failed',
    reason: 'the file is empty: expected a header line with the column names',
  },
  'only blank lines': {
    name: 'csv/blank.csv',
    bytes: () => '\n\r\n\n',
    status: 'Failed',
    reason: 'the file is empty: expected a header line with the column names',
  },
  'a header only': {
    name: 'csv/header.csv',
    bytes: () => `${header}\n`,
    status: 'Failed',
    reason:
      /^Input [a-z0-9]+\/csv\/header\.csv has no data rows \(only a header line\): there is nothing to score\.$/,
  },
  'a byte order mark and CRLF line ends': {
    name: 'csv/bom-crlf.csv',
    bytes: () => `\ufeff${[header, ...rows(5)].join('\r\n')}\r\n`,
    status: 'Succeeded',
    scoredRows: 5,
  },
  'bare CR line ends': {
    name: 'csv/cr.csv',
    bytes: () => [header, ...rows(3)].join('\r'),
    status: 'Failed',
    reason:
      'the header has a carriage return (CR) inside column 11: the lines seem to end with CR alone; save the file with LF or CRLF line ends',
  },
  'quoted fields: numbers, doubled quotes, a line break, text after a quote': {
    name: 'csv/quotes.csv',
    bytes: () =>
      [
        header,
        diabetes.rows[0]!.map((value) => `"${value}"`).join(','),
        withBmi(1, '"1""2"'),
        withBmi(2, '"3\n4"'),
        withBmi(3, '"5"x'),
        row(4),
      ].join('\n'),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 2,
    errors: [
      { row: 2, field: 'bmi', reason: 'not a number: "1\\"\\"2"' },
      { row: 3, field: 'bmi', reason: 'not a number: "3\\n4"' },
      { row: 4, field: 'bmi', reason: 'unexpected text after the closing quote' },
    ],
  },
  'ragged rows': {
    name: 'csv/ragged.csv',
    bytes: () => [header, row(0), '1,2,3', `${row(1)},9,9`, row(2), ''].join('\n'),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 2,
    errors: [
      { row: 2, field: 'bp', reason: 'too few fields: expected 11, found 3' },
      { row: 3, field: null, reason: 'too many fields: expected 11, found 13' },
    ],
  },
  'a 10 MB field': {
    name: 'csv/huge-field.csv',
    bytes: () => [header, row(0), withBmi(1, '7'.repeat(tenMegabytes)), row(2)].join('\n'),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 2,
    errors: [{ row: 2, field: 'bmi', reason: /^out of float32 range: "7{40}\.\.\."$/ }],
  },
  '100,000 columns': {
    name: 'csv/wide.csv',
    bytes: () => {
      const extra = Array.from({ length: 100_000 }, (_, index) => `c${index}`).join(',');
      const values = Array.from({ length: 100_000 }, () => '1').join(',');
      return [`${header},${extra}`, ...rows(3).map((line) => `${line},${values}`)].join('\n');
    },
    status: 'Succeeded',
    scoredRows: 3,
  },
  'bytes that are not UTF-8 in a row': {
    name: 'csv/latin1.csv',
    bytes: () =>
      Buffer.concat([
        Buffer.from(`${header}\n${row(0)}\n`),
        Buffer.from(`${withBmi(1, 'caf\u00e9')}\n`, 'latin1'),
      ]),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 1,
    errors: [{ row: 2, field: 'bmi', reason: 'invalid UTF-8 bytes' }],
  },
  'NUL bytes in a field': {
    name: 'csv/nul.csv',
    bytes: () => [header, withBmi(0, '1\u00002'), row(1)].join('\n'),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 1,
    errors: [{ row: 1, field: 'bmi', reason: 'not a number: "1\\u00002"' }],
  },
  'NUL bytes in the header': {
    name: 'csv/nul-header.csv',
    bytes: () => [header.replace('bmi', 'b\u0000mi'), row(0)].join('\n'),
    status: 'Failed',
    reason:
      /^Model "diabetes" input "input" needs column\(s\) missing from the data: bmi \(the data has 11 columns\)$/,
  },
  'duplicate header names': {
    name: 'csv/duplicate.csv',
    bytes: () => [header.replace('sex', 'age'), row(0)].join('\n'),
    status: 'Failed',
    reason: 'duplicate column name "age" (columns 1 and 2)',
  },
  'a header with an empty name': {
    name: 'csv/empty-name.csv',
    bytes: () => [header.replace('bmi', ''), row(0)].join('\n'),
    status: 'Failed',
    reason: 'column 3 of the header has an empty name',
  },
  'an unterminated quote in the header': {
    name: 'csv/header-quote.csv',
    bytes: () => [`"${header}`, row(0)].join('\n'),
    status: 'Failed',
    reason: 'the header has an unterminated quoted field at column 1',
  },
  'semicolons instead of commas': {
    name: 'csv/semicolons.csv',
    bytes: () => [header, row(0)].map((line) => line.replace(/,/g, ';')).join('\n'),
    status: 'Failed',
    reason: /needs column\(s\) missing from the data: age, .* \(the data has 1 column\)/,
  },
  'every row bad': {
    name: 'csv/all-bad.csv',
    bytes: () => [header, '1,2', withBmi(0, 'x')].join('\n'),
    status: 'Failed',
    reason: /^None of the 2 row\(s\) could be scored; see _errors\.jsonl for each row and reason\.$/,
    errors: [
      { row: 1, field: 'bmi', reason: 'too few fields: expected 11, found 2' },
      { row: 2, field: 'bmi', reason: 'not a number: "x"' },
    ],
  },
  'a gzip file named .csv': {
    name: 'csv/gzipped.csv',
    bytes: () => gzipSync(diabetesCsv),
    status: 'Failed',
    reason: 'the header has invalid UTF-8 bytes at column 1',
  },
  'an ONNX file named .csv': {
    name: 'csv/model.csv',
    bytes: () => readFileSync('models/diabetes/model.onnx'),
    status: 'Failed',
    reason: 'the header has invalid UTF-8 bytes at column 1',
  },
};

const jsonlCases: Record<string, DropCase> = {
  'an empty file': {
    name: 'jsonl/empty.jsonl',
    bytes: () => '',
    status: 'Failed',
    reason: 'the file is empty: expected at least one JSON record',
  },
  'a first line that is not JSON': {
    name: 'jsonl/not-json.jsonl',
    bytes: () => `age,sex,bmi\n${record(0)}\n`,
    status: 'Failed',
    reason: /^Input [a-z0-9]+\/jsonl\/not-json\.jsonl: row 1: invalid JSON: Unexpected token/,
  },
  'arrays instead of objects': {
    name: 'jsonl/arrays.jsonl',
    bytes: () => `${JSON.stringify(diabetes.rows[0])}\n${JSON.stringify(diabetes.rows[1])}\n`,
    status: 'Failed',
    reason: 'row 1: not a JSON object',
  },
  'a first record without a feature': {
    name: 'jsonl/no-bmi.jsonl',
    bytes: () => `${record(0, { bmi: undefined })}\n${record(1)}\n`,
    status: 'Failed',
    reason:
      /^Model "diabetes" input "input" needs column\(s\) missing from the data: bmi \(the data has 10 columns\)$/,
  },
  'later records: not JSON, an array, nested, missing, null, too large, numbers as text': {
    name: 'jsonl/mixed.jsonl',
    bytes: () =>
      [
        record(0),
        '{"age": ',
        '[1, 2, 3]',
        record(1, { bmi: { value: 0.06 } }),
        record(2, { bmi: undefined }),
        record(3, { bmi: null }),
        record(4, { bmi: 1e300 }),
        record(
          5,
          Object.fromEntries(diabetes.header.map((name, column) => [name, diabetes.rows[5]![column]])),
        ),
        record(6, { __proto__: 1, constructor: 'x' }),
        '',
      ].join('\n'),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 3,
    errors: [
      { row: 2, field: null, reason: /^invalid JSON: / },
      { row: 3, field: null, reason: 'not a JSON object' },
      { row: 4, field: 'bmi', reason: 'not a number: "{\\"value\\":0.06}"' },
      { row: 5, field: 'bmi', reason: 'missing field' },
      { row: 6, field: 'bmi', reason: 'null value' },
      { row: 7, field: 'bmi', reason: 'out of float32 range: 1e+300' },
    ],
  },
  'a million digits and a letter as a feature': {
    name: 'jsonl/long-digits.jsonl',
    bytes: () => [record(0, { bmi: `${'7'.repeat(1_000_000)}x` }), record(1), record(2)].join('\n'),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 2,
    errors: [{ row: 1, field: 'bmi', reason: `not a number: "${'7'.repeat(40)}..."` }],
  },
};

const parquetCases: Record<string, DropCase> = {
  'a truncated file': {
    name: 'parquet/truncated.parquet',
    bytes: async () => (await diabetesParquet(20)).subarray(0, 300),
    status: 'Failed',
    reason: 'not a readable Parquet file: parquet file invalid (footer != PAR1)',
  },
  'CSV named .parquet': {
    name: 'parquet/csv.parquet',
    bytes: () => diabetesCsv,
    status: 'Failed',
    reason: 'not a readable Parquet file: parquet file invalid (footer != PAR1)',
  },
  'the magic bytes only': {
    name: 'parquet/magic.parquet',
    bytes: () => 'PAR1PAR1',
    status: 'Failed',
    reason:
      /^Input [a-z0-9]+\/parquet\/magic\.parquet: not a readable Parquet file: parquet metadata length \d+ exceeds/,
  },
  'zero rows': {
    name: 'parquet/zero.parquet',
    bytes: () => diabetesParquet(0),
    status: 'Failed',
    reason: /^Input [a-z0-9]+\/parquet\/zero\.parquet has no data rows: there is nothing to score\.$/,
  },
  'a string feature column': {
    name: 'parquet/string-bmi.parquet',
    bytes: () => diabetesParquet(3, { data: ['0.06', 'x', '0.01'], type: 'STRING' }),
    status: 'Failed',
    reason:
      /^No row could be scored: 1 partition\(s\) failed: Partition 0 \(rows 1-3\) failed after 1 attempt\(s\): feature column\(s\) not numeric: bmi \(STRING\)\.$/,
  },
  'nulls and NaN in a feature column': {
    name: 'parquet/nulls.parquet',
    bytes: () => diabetesParquet(3, { data: [0.06, null, Number.NaN], type: 'DOUBLE' }),
    status: 'PartiallySucceeded',
    reason: partial,
    scoredRows: 1,
    errors: [
      { row: 2, field: 'bmi', reason: 'null value' },
      { row: 3, field: 'bmi', reason: 'not a number: NaN' },
    ],
  },
};

const blobNameCases: Record<string, DropCase> = {
  'a 1,024-character name': {
    name: `names/${'n'.repeat(1024 - 'names/.csv'.length)}.csv`,
    bytes: () => diabetesCsv,
    status: 'Succeeded',
    scoredRows: 442,
  },
  'characters URLs treat specially': {
    name: 'names/a?b#c%20d+e&f=g.csv',
    bytes: () => diabetesCsv,
    status: 'Succeeded',
    scoredRows: 442,
  },
  'spaces and non-ASCII letters': {
    name: 'names/donn\u00e9es 2024 \u2013 \u6570\u636e.csv',
    bytes: () => diabetesCsv,
    status: 'Succeeded',
    scoredRows: 442,
  },
  'a control character': {
    name: 'names/bell\u0007.csv',
    bytes: () => diabetesCsv,
    status: 'Succeeded',
    scoredRows: 442,
  },
  'no extension': {
    name: 'names/data',
    bytes: () => diabetesCsv,
    status: 'Failed',
    reason:
      /^Not scored: Cannot tell the format of "names\/data": name it \.csv, \.jsonl or \.parquet, or score it with POST \/api\/jobs and set input\.format\.$/,
  },
  'an .xlsx name': {
    name: 'names/sales.xlsx',
    bytes: () => diabetesCsv,
    status: 'Failed',
    reason:
      /^Not scored: Cannot tell the format of "names\/sales\.xlsx": name it \.csv, \.jsonl or \.parquet, or score/,
  },
};

const metadataModel = (model: string, reason: RegExp): DropCase => ({
  name: `metadata/${model.slice(0, 40).replace(/[^a-z0-9]/gi, '_')}.csv`,
  bytes: () => diabetesCsv,
  metadata: { model },
  status: 'Failed',
  reason,
});

const notAReference = (model: string) =>
  new RegExp(
    `^Not scored: Blob metadata "model": Model reference "${model}": after "@" give a version \\(a positive integer\\), latest, production or staging$`,
  );

const metadataCases: Record<string, DropCase> = {
  'diabetes@-1': metadataModel('diabetes@-1', notAReference('diabetes@-1')),
  'diabetes@0': metadataModel('diabetes@0', notAReference('diabetes@0')),
  'x@': metadataModel('x@', notAReference('x@')),
  'a@b@c': metadataModel('a@b@c', notAReference('a@b@c')),
  'a stage that does not exist': metadataModel('diabetes@canary', notAReference('diabetes@canary')),
  '@0': metadataModel(
    '@0',
    /^Not scored: Blob metadata "model": Model reference "@0": the name must be letters, digits, "\.", "_" or "-", starting with a letter or digit \(at most 128 characters\)$/,
  ),
  'a 5,000-character name': metadataModel(
    'm'.repeat(5000),
    /^Not scored: Blob metadata "model": Model reference "m{40}\.\.\.": the name must be .*\(at most 128 characters\)$/,
  ),
  'an unknown model': metadataModel(
    'no-such-model',
    /^Model "no-such-model" is not registered and is not a bundled model \(bundled: diabetes, fns-candy, sensor-anomaly\)\.$/,
  ),
  'a version that does not exist': metadataModel(
    'diabetes@999',
    /^Model "diabetes" has no version 999 \(latest: 1\)\.$/,
  ),
  'a stage with no version in it': metadataModel(
    'diabetes@staging',
    /^Model "diabetes" has no staging version\.$/,
  ),
};

const groups = {
  'CSV files': csvCases,
  'JSON Lines files': jsonlCases,
  'Parquet files': parquetCases,
  'blob names': blobNameCases,
  'model references in blob metadata': metadataCases,
};

const harness = new ScoringHarness();
let checks: CorpusChecks;
let controlAtStart: string;
const jobIds = new Map<DropCase, string>();

beforeAll(async () => {
  await harness.start();
  checks = await CorpusChecks.of(harness.host);
  controlAtStart = await harness.drop('control/start.csv', diabetesCsv);
  const cases = Object.values(groups).flatMap((group) => Object.values(group));
  await Promise.all(
    cases.map(async (drop) =>
      jobIds.set(drop, await harness.drop(drop.name, await drop.bytes(), drop.metadata)),
    ),
  );
});

afterAll(async () => {
  await harness.host?.stop();
});

async function errorRows(
  job: JobRecord,
): Promise<{ file: string; row: number; field: string | null; reason: string }[]> {
  const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as { errors?: string };
  if (!manifest.errors) return [];
  const text = (await harness.read(harness.output, manifest.errors)).toString();
  checks.expectClean(text, '_errors.jsonl');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { file: string; row: number; field: string | null; reason: string });
}

async function expectOutcome(drop: DropCase, what: string): Promise<void> {
  const job = await harness.waitForJob(jobIds.get(drop)!, 40_000);
  checks.expectClean(JSON.stringify(job), what);
  const where = `${harness.input}/${drop.name}`;
  expect({ status: job.status, reason: job.reason }).toMatchObject({ status: drop.status });
  expect(job.input).toBe(where);
  if (typeof drop.reason === 'string') expect(job.reason).toBe(`Input ${where}: ${drop.reason}`);
  else if (drop.reason) expect(job.reason).toMatch(drop.reason);
  // A reason quotes at most a short piece of the file or the metadata, whatever its size.
  expect((job.reason ?? '').length).toBeLessThan(600);
  if (drop.scoredRows !== undefined) expect(job.scoredRows).toBe(drop.scoredRows);
  if (drop.errors) {
    const found = await errorRows(job);
    expect(found.map((error) => error.file)).toEqual(drop.errors.map(() => where));
    expect(found.map(({ row: at, field }) => ({ row: at, field }))).toEqual(
      drop.errors.map(({ row: at, field }) => ({ row: at, field })),
    );
    found.forEach((error, index) => {
      const reason = drop.errors![index]!.reason;
      if (typeof reason === 'string') expect(error.reason).toBe(reason);
      else expect(error.reason).toMatch(reason);
    });
  }
  await checks.expectHealthy();
}

describe.each(Object.entries(groups))('%s', (_group, cases) => {
  it.each(Object.entries(cases))('%s', async (what, drop) => {
    await expectOutcome(drop, what);
  });
});

describe('after the corpus', () => {
  it('the control jobs dropped before and after it succeed, and the host is still running', async () => {
    const controlAtEnd = await harness.drop('control/end.csv', diabetesCsv);
    for (const jobId of [controlAtStart, controlAtEnd])
      expect(await harness.waitForJob(jobId)).toMatchObject({
        status: 'Succeeded',
        scoredRows: 442,
        badRows: 0,
      });
    checks.expectAlive();
    await checks.expectHealthy();
  });
});
