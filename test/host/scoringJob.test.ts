import { ScoringHarness, diabetesReference, parseSimpleCsv } from '../support/scoringHarness';

const { csv: diabetesCsv, table: diabetes, expected } = diabetesReference();

// Small partitions so that the 442 rows are scored by several partitions in parallel.
const harness = new ScoringHarness({
  SCORING_PARTITION_BYTES: '8192',
  DURABLE_SCORING_TEST_FAULTS: JSON.stringify({ scorePartition: { 1: 1 } }),
});

beforeAll(async () => {
  await harness.start();
});

afterAll(async () => {
  await harness.host?.stop();
});

function expectPredictions(actual: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
}

describe('scoring job: blob drop to predictions', () => {
  it('scores a dropped CSV in input order, exactly once per row, and writes the manifest', async () => {
    const big =
      diabetesCsv +
      diabetes.rows
        .map((row) => row.join(','))
        .join('\n')
        .repeat(1) +
      '\n';
    const jobId = await harness.drop('diabetes.csv', big);
    const job = await harness.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'Succeeded', scoredRows: 884, badRows: 0, model: 'diabetes' });
    const output = parseSimpleCsv((await harness.readOutput(job.output!)).toString());
    expect(output.header).toEqual(['variable']);
    expectPredictions(output.rows.slice(0, 442).map((row) => Number(row[0])));
    expectPredictions(output.rows.slice(442).map((row) => Number(row[0])));
    const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString());
    expect(manifest).toMatchObject({
      status: 'Succeeded',
      model: { name: 'diabetes', version: 1 },
      rows: { total: 884, scored: 884, bad: 0 },
    });
    expect(manifest.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.partitions.length).toBeGreaterThan(1);
  });

  it('retries a partition that fails transiently; its rows appear once', async () => {
    const jobId = await harness.drop(
      'retry/diabetes.csv',
      diabetesCsv + diabetes.rows.map((row) => row.join(',')).join('\n') + '\n',
    );
    const job = await harness.waitForJob(jobId);
    expect(job.status).toBe('Succeeded');
    const manifest = JSON.parse((await harness.readOutput(job.manifest!)).toString()) as {
      partitions: { index: number; attempts: number }[];
    };
    expect(manifest.partitions.find((partition) => partition.index === 1)?.attempts).toBe(2);
    const output = parseSimpleCsv((await harness.readOutput(job.output!)).toString());
    expect(output.rows).toHaveLength(884);
    expectPredictions(output.rows.slice(442).map((row) => Number(row[0])));
  });

  it('scores JSON Lines, with the model named in blob metadata', async () => {
    const lines = diabetes.rows.map((row, index) =>
      JSON.stringify({
        id: `r${index}`,
        ...Object.fromEntries(diabetes.header.map((name, i) => [name, Number(row[i])])),
      }),
    );
    const jobId = await harness.drop('diabetes.jsonl', lines.join('\n') + '\n', { model: 'diabetes' });
    const job = await harness.waitForJob(jobId);
    expect(job.status).toBe('Succeeded');
    const records = (await harness.readOutput(job.output!))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { variable: number });
    expectPredictions(records.map((record) => record.variable));
  });

  it('does not start a second job for the same blob version; a new version gets its own job', async () => {
    const first = await harness.drop('versions.csv', diabetesCsv);
    await harness.waitForJob(first);
    const second = await harness.drop('versions.csv', diabetesCsv.replace('59,2,32.1', '60,2,32.1'));
    expect(second).not.toBe(first);
    expect((await harness.waitForJob(second)).status).toBe('Succeeded');
    const jobs = await harness.jobs.list({ top: 1000 });
    expect(jobs.filter((job) => job.input === `${harness.input}/versions.csv`)).toHaveLength(2);
  });
});
