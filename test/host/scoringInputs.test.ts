import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jobIdForBlob } from '../../src/scoring/jobIds';
import type { JobRecord } from '../../src/scoring/JobStore';
import { loadHyparquet, loadHyparquetWriter } from '../../src/runtime/formats/loadParquetLibraries';
import { ScoringHarness, parseSimpleCsv, referencePredictions } from '../support/scoringHarness';

// Bad input dropped into the input container: each job ends with a status and a reason or an
// error-report row a person can act on, and the host goes on scoring the next good file.

const diabetesCsv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
const diabetes = parseSimpleCsv(diabetesCsv);
const header = diabetesCsv.split('\n')[0]!;
const row = (index: number) => diabetes.rows[index]!.join(',');
const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const featuresOf = (index: number) =>
  features.map((name) => Number(diabetes.rows[index]![diabetes.header.indexOf(name)]));
const diabetesPredictions = (indexes: number[]) =>
  referencePredictions('models/diabetes/model.onnx', indexes.map(featuresOf)).variable!;
const tenMegabytes = 10 * 1024 * 1024;

const harness = new ScoringHarness();

beforeAll(async () => {
  await harness.start();
});

afterAll(async () => {
  await harness.host?.stop();
});

interface ErrorRow {
  file: string;
  row: number;
  field: string | null;
  reason: string;
}

async function errorRows(job: JobRecord): Promise<ErrorRow[]> {
  const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as { errors?: string };
  if (!manifest.errors) return [];
  const text = (await harness.read(harness.output, manifest.errors)).toString();
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ErrorRow);
}

async function scoredValues(job: JobRecord, column = 'variable'): Promise<number[]> {
  const output = parseSimpleCsv((await harness.readOutput(job.output!)).toString());
  return output.rows.map((values) => Number(values[output.header.indexOf(column)]));
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
}

async function dropAndWait(name: string, bytes: Buffer | string, metadata?: Record<string, string>) {
  return harness.waitForJob(await harness.drop(name, bytes, metadata));
}

describe('bad rows in a dropped CSV become error-report rows', () => {
  it('reports short, long, non-numeric, empty and unterminated rows by row, field and reason', async () => {
    const lines = [
      header,
      row(0),
      '1,2,3',
      `${row(1)},9`,
      row(2).replace(/^([^,]*,[^,]*,)[^,]*/, '$1abc'),
      row(3).replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$1'),
      row(4),
      `"${row(5)}`,
    ];
    const job = await dropAndWait('rows/mixed.csv', lines.join('\n') + '\n');
    expect(job).toMatchObject({ status: 'PartiallySucceeded', totalRows: 7, scoredRows: 2, badRows: 5 });
    expect(job.reason).toBe('5 row(s) could not be scored; see _errors.jsonl for each row and reason.');
    const file = `${harness.input}/rows/mixed.csv`;
    expect(await errorRows(job)).toEqual([
      { file, row: 2, field: 'bp', reason: 'too few fields: expected 11, found 3' },
      { file, row: 3, field: null, reason: 'too many fields: expected 11, found 12' },
      { file, row: 4, field: 'bmi', reason: 'not a number: "abc"' },
      { file, row: 5, field: 'bp', reason: 'empty value' },
      { file, row: 7, field: 'age', reason: 'unterminated quoted field' },
    ]);
    expectClose(await scoredValues(job), diabetesPredictions([0, 4]));
  });

  it('reports each value of a feature column that is not a plain number, even when most sampled rows have one', async () => {
    const bmi = diabetes.header.indexOf('bmi');
    const withBmi = (index: number, value: string) =>
      diabetes.rows[index]!.map((cell, column) => (column === bmi ? value : cell)).join(',');
    const bad = ['NaN', 'Infinity', '1e400', '0x10', 'x'.repeat(tenMegabytes)];
    const lines = [header, ...bad.map((value, i) => withBmi(i, value)), row(5), row(6)];
    const job = await dropAndWait('rows/not-numbers.csv', lines.join('\n') + '\n');
    expect(job).toMatchObject({ status: 'PartiallySucceeded', totalRows: 7, scoredRows: 2, badRows: 5 });
    const file = `${harness.input}/rows/not-numbers.csv`;
    expect(await errorRows(job)).toEqual([
      { file, row: 1, field: 'bmi', reason: 'not a number: "NaN"' },
      { file, row: 2, field: 'bmi', reason: 'not a number: "Infinity"' },
      { file, row: 3, field: 'bmi', reason: 'out of float32 range: "1e400"' },
      { file, row: 4, field: 'bmi', reason: 'not a number: "0x10"' },
      { file, row: 5, field: 'bmi', reason: `not a number: "${'x'.repeat(40)}..."` },
    ]);
    expectClose(await scoredValues(job), diabetesPredictions([5, 6]));
  });

  it('reports a row with bytes that are not UTF-8, naming the field', async () => {
    const latin1 = Buffer.from(`${row(1).replace(/,[^,]*,([^,]*)$/, ',caf\u00e9,$1')}\n`, 'latin1');
    const job = await dropAndWait(
      'rows/latin1.csv',
      Buffer.concat([Buffer.from(`${header}\n${row(0)}\n`), latin1, Buffer.from(`${row(2)}\n`)]),
    );
    expect(job).toMatchObject({ status: 'PartiallySucceeded', scoredRows: 2, badRows: 1 });
    expect(await errorRows(job)).toEqual([
      { file: `${harness.input}/rows/latin1.csv`, row: 2, field: 's6', reason: 'invalid UTF-8 bytes' },
    ]);
    expectClose(await scoredValues(job), diabetesPredictions([0, 2]));
  });

  it('reports a 10 MB first row and scores the rows after it', async () => {
    const huge = '1,'.repeat(tenMegabytes / 2);
    const job = await dropAndWait('rows/huge-row.csv', `${header}\n${huge}\n${row(0)}\n${row(1)}\n`);
    expect(job).toMatchObject({ status: 'PartiallySucceeded', scoredRows: 2, badRows: 1 });
    expect(await errorRows(job)).toEqual([
      {
        file: `${harness.input}/rows/huge-row.csv`,
        row: 1,
        field: null,
        reason: `too many fields: expected 11, found ${tenMegabytes / 2 + 1}`,
      },
    ]);
    expectClose(await scoredValues(job), diabetesPredictions([0, 1]));
  });

  it('fails a job none of whose rows can be scored, pointing at the error report', async () => {
    const job = await dropAndWait('rows/all-bad.csv', `${header}\n1,2\n"${row(0)}\n`);
    expect(job).toMatchObject({ status: 'Failed', scoredRows: 0, badRows: 2 });
    expect(job.reason).toBe(
      'None of the 2 row(s) could be scored; see _errors.jsonl for each row and reason.',
    );
    expect((await errorRows(job)).map((error) => error.reason)).toEqual([
      'too few fields: expected 11, found 2',
      'unterminated quoted field',
    ]);
  });
});

describe('inputs that cannot be scored fail the job with a reason', () => {
  it.each([
    [
      'an empty file',
      'empty.csv',
      '',
      /^Input [a-z0-9]+\/fail\/empty\.csv: the file is empty: expected a header line with the column names$/,
    ],
    ['a header only', 'header-only.csv', `${header}\n`, /has no data rows \(only a header line\)/],
    [
      'a missing feature column',
      'no-bmi.csv',
      diabetesCsv
        .trim()
        .split('\n')
        .map((line) => line.split(',').toSpliced(2, 1).join(','))
        .join('\n'),
      /needs column\(s\) missing from the data: bmi \(the data has 10 columns\)$/,
    ],
    [
      'a header that is not UTF-8',
      'latin1-header.csv',
      Buffer.from(`${header},r\u00e9gion\n${row(0)},nord\n`, 'latin1'),
      /^Input [a-z0-9]+\/fail\/latin1-header\.csv: the header has invalid UTF-8 bytes at column 12$/,
    ],
  ])('%s', async (_what, name, bytes, reason) => {
    const job = await dropAndWait(`fail/${name}`, bytes);
    expect(job.status).toBe('Failed');
    expect(job.reason).toMatch(reason);
  });

  it('a file that is one 10 MB line', async () => {
    const job = await dropAndWait('fail/one-line.csv', 'x'.repeat(tenMegabytes));
    expect(job.status).toBe('Failed');
    expect(job.reason).toBe(
      `Input ${harness.input}/fail/one-line.csv has no data rows (only a header line): there is nothing to score.`,
    );
  });

  it("a 10 MB header line: the reason names the missing columns, not the file's contents", async () => {
    const job = await dropAndWait('fail/long-header.csv', `${'x'.repeat(tenMegabytes)}\n1\n`);
    expect(job.status).toBe('Failed');
    expect(job.reason).toBe(
      'Model "diabetes" input "input" needs column(s) missing from the data: age, sex, bmi, bp, s1, s2, s3, s4, s5, s6 (the data has 1 column)',
    );
  });

  it('an unknown model named in blob metadata', async () => {
    const job = await dropAndWait('fail/unknown-model.csv', diabetesCsv, { model: 'nope' });
    expect(job).toMatchObject({ status: 'Failed', model: 'nope' });
    expect(job.reason).toBe(
      'Model "nope" is not registered and is not a bundled model (bundled: diabetes, fns-candy, sensor-anomaly).',
    );
  });
});

describe('blob names', () => {
  it('a ".." segment is resolved by the storage client before upload: the blob and its job get the plain name', async () => {
    const container = await harness.storage.ensureContainer(harness.input);
    const client = container.getBlockBlobClient('names/../resolved.csv');
    expect(client.name).toBe('resolved.csv');
    const uploaded = await client.uploadData(Buffer.from(diabetesCsv));
    const job = await harness.waitForJob(jobIdForBlob(harness.input, 'resolved.csv', uploaded.etag ?? ''));
    expect(job).toMatchObject({
      status: 'Succeeded',
      input: `${harness.input}/resolved.csv`,
      scoredRows: 442,
    });
  });

  it.each([
    ['dots inside a segment', 'names/..hidden..csv'],
    ['a tab', 'names/tab\there.csv'],
    ['spaces and unicode', 'names/donn\u00e9es 2024 \u2013 v2.csv'],
  ])('a name with %s is scored like any other', async (_what, name) => {
    const job = await dropAndWait(name, diabetesCsv);
    expect(job).toMatchObject({ status: 'Succeeded', input: `${harness.input}/${name}`, scoredRows: 442 });
  });
});

describe('Parquet input', () => {
  it('scores each row group as a partition and writes one Parquet part per partition', async () => {
    const writer = await loadHyparquetWriter();
    const columnData = diabetes.header.map((name, column) => ({
      name,
      data: Float64Array.from(diabetes.rows, (values) => Number(values[column])),
      type: 'DOUBLE' as const,
    }));
    const bytes = writer.parquetWriteBuffer({ columnData, rowGroupSize: 221 });
    const job = await dropAndWait('parquet/diabetes.parquet', Buffer.from(bytes));
    expect(job).toMatchObject({
      status: 'Succeeded',
      partitions: 2,
      scoredRows: 442,
      badRows: 0,
      output: `${harness.output}/${job.jobId}/predictions/`,
    });
    const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as {
      output: { predictions: string };
    };
    expect(manifest.output.predictions).toBe(`${job.jobId}/predictions/`);
    const { parquetReadObjects } = await loadHyparquet();
    const values: number[] = [];
    for (const part of ['part-00000', 'part-00001']) {
      const file = await harness.read(harness.output, `${job.jobId}/predictions/${part}.parquet`);
      const buffer = new ArrayBuffer(file.length);
      new Uint8Array(buffer).set(file);
      const rows = (await parquetReadObjects({ file: buffer })) as { variable: number }[];
      expect(rows).toHaveLength(221);
      values.push(...rows.map((record) => record.variable));
    }
    expectClose(values, diabetesPredictions(diabetes.rows.map((_, index) => index)));
  });
});

describe('a corrupt Parquet file', () => {
  /** The diabetes Parquet file of the test above, with one bit flipped at `position`. */
  async function flipped(position: number, bit: number): Promise<Buffer> {
    const writer = await loadHyparquetWriter();
    const columnData = diabetes.header.map((name, column) => ({
      name,
      data: Float64Array.from(diabetes.rows, (values) => Number(values[column])),
      type: 'DOUBLE' as const,
    }));
    const bytes = Buffer.from(writer.parquetWriteBuffer({ columnData, rowGroupSize: 221 }));
    bytes[position]! ^= bit;
    return bytes;
  }

  it('fails the partition whose row group cannot be decoded, saying the file is corrupt, and scores the other', async () => {
    const job = await dropAndWait('parquet/bad-page.parquet', await flipped(2000, 0x01));
    expect(job).toMatchObject({ status: 'Failed', partitions: 2, scoredRows: 221 });
    expect(job.reason).toMatch(
      /^1 partition\(s\) failed: Partition 0 \(rows 1-221\) failed after 1 attempt\(s\): the Parquet file is corrupt: row group 0 cannot be decoded \(.+\) — over the job's limits/,
    );
  });

  it('stops a row group whose decoding never ends, within its time limit, while the host keeps answering', async () => {
    const started = Date.now();
    const name = 'parquet/endless-page.parquet';
    const jobId = await harness.drop(name, await flipped(500, 0x80));
    // The decoder loops on the flipped page in a worker thread; the host's event loop stays free.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const ping = Date.now();
    expect((await harness.host.fetch('/admin/host/ping')).status).toBe(200);
    expect(Date.now() - ping).toBeLessThan(1000);
    const job = await harness.waitForJob(jobId);
    expect(job.status).toBe('Failed');
    expect(job.reason).toMatch(
      /Partition 0 \(rows 1-221\) failed after 1 attempt\(s\): partition 0 could not be parsed within 10 s: the file is probably corrupt/,
    );
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);
});

describe('after all of that', () => {
  it('the host still scores a good file', async () => {
    const job = await dropAndWait('after/diabetes.csv', diabetesCsv);
    expect(job).toMatchObject({ status: 'Succeeded', scoredRows: 442 });
    expectClose((await scoredValues(job)).slice(0, 5), diabetesPredictions([0, 1, 2, 3, 4]));
  });
});

describe('tabular models from a models folder, and a model that fails to load', () => {
  const modelsDir = mkdtempSync(path.join(os.tmpdir(), 'scoring-models-'));
  const tabular = new ScoringHarness({
    MODELS_DIRECTORY: modelsDir,
    DEFAULT_MODEL: 'xgboost_regressor_tree',
  });
  const wineCsv = readFileSync('test/fixtures/data/wine.csv', 'utf8');
  const wine = parseSimpleCsv(wineCsv);
  const wineFeatures = wine.rows.map((values) => values.slice(0, 13).map(Number));

  beforeAll(async () => {
    for (const name of ['xgboost_classifier_tree', 'xgboost_regressor_tree'])
      cpSync(`test/fixtures/models/${name}`, path.join(modelsDir, name), { recursive: true });
    mkdirSync(path.join(modelsDir, 'superres'));
    cpSync(
      'test/fixtures/models/negative/superres_prepost_op18.onnx',
      path.join(modelsDir, 'superres', 'model.onnx'),
    );
    await tabular.start();
  });

  afterAll(async () => {
    await tabular.host?.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  async function scoreWine(metadata: Record<string, string>) {
    return tabular.waitForJob(await tabular.drop(`wine-${metadata.model}.csv`, wineCsv, metadata));
  }

  it('fails a job whose model onnxruntime cannot load, with the runtime reason', async () => {
    const job = await scoreWine({ model: 'superres' });
    expect(job.status).toBe('Failed');
    expect(job.reason).toMatch(/^Model "superres" cannot be loaded by onnxruntime: .+/);
  });

  it('xgboost_classifier_tree: label and class probabilities equal onnxruntime on the same rows', async () => {
    const job = await scoreWine({ model: 'xgboost_classifier_tree' });
    expect(job).toMatchObject({ status: 'Succeeded', scoredRows: 178, modelVersion: '1' });
    const expected = referencePredictions(
      'test/fixtures/models/xgboost_classifier_tree/model.onnx',
      wineFeatures,
    );
    const output = parseSimpleCsv((await tabular.readOutput(job.output!)).toString());
    expect(output.header).toEqual(['label', 'probabilities_0', 'probabilities_1', 'probabilities_2']);
    expect(output.rows.map((values) => Number(values[0]))).toEqual(expected.label);
    const probabilities = output.rows.flatMap((values) => values.slice(1).map(Number));
    probabilities.forEach((value, index) => expect(value).toBeCloseTo(expected.probabilities![index]!, 5));
    const manifest = JSON.parse((await tabular.readOutput(job.manifest!)).toString()) as { notes: string[] };
    expect(manifest.notes).toContain('Numeric column(s) not fed to model "xgboost_classifier_tree": class');
  });

  it('xgboost_regressor_tree (the default model of this app) likewise', async () => {
    const jobId = await tabular.drop('wine-default.csv', wineCsv);
    const job = await tabular.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'Succeeded', model: 'xgboost_regressor_tree', scoredRows: 178 });
    const expected = referencePredictions(
      'test/fixtures/models/xgboost_regressor_tree/model.onnx',
      wineFeatures,
    ).variable!;
    const output = parseSimpleCsv((await tabular.readOutput(job.output!)).toString());
    expect(output.header).toEqual(['variable']);
    output.rows.forEach((values, index) => expect(Number(values[0])).toBeCloseTo(expected[index]!, 5));
  });
});

describe('a blob name with a control character', () => {
  // Azurite answers 500 to any listing page holding such a name (XML 1.0 cannot carry it); the blob
  // trigger lists past it, so it neither stalls the container nor is it lost.
  it('is scored like any other blob, and the drops after it are scored too', async () => {
    const name = 'names/bell\u0007.csv';
    const jobId = await harness.drop(name, diabetesCsv);
    const after = await dropAndWait('names/after-bell.csv', diabetesCsv);
    expect(after).toMatchObject({ status: 'Succeeded', scoredRows: 442 });
    const job = await harness.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'Succeeded', input: `${harness.input}/${name}`, scoredRows: 442 });
  });
});
