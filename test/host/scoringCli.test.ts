import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/host/azurite/startAzurite';
import { ScoringHarness, diabetesReference } from '../support/scoringHarness';
import { hostSecrets } from '../support/testStorage';

// `durable-scoring score` and `jobs list|show|cancel` against a harness host, as a user runs them:
// the app folder is this project, its settings (storage, host id, containers) come from the environment.

const { csv: diabetesCsv, table: diabetes, expected } = diabetesReference();
const dataFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'score-cli-')), 'diabetes.csv');
writeFileSync(dataFile, diabetesCsv);

const harness = new ScoringHarness();

beforeAll(async () => {
  await harness.start();
});

afterAll(async () => {
  await harness.host?.stop();
});

/** Runs the CLI with the harness app's settings. */
const run = (args: string[], url?: string) => harness.runCli(args, url);

const jobIdIn = (text: string) => /job (job-\d{8}-[0-9a-f]+) started/.exec(text)?.[1] ?? '';

describe('durable-scoring score', () => {
  let jobId = '';

  it('uploads, starts the job over the API, follows it and prints the manifest summary', async () => {
    const result = await run([
      'score',
      dataFile,
      '.',
      '--model',
      'diabetes',
      '--format',
      'jsonl',
      '--pass-through',
      'age',
    ]);
    expect(result).toMatchObject({ code: 0 });
    jobId = jobIdIn(result.stderr);
    expect(jobId).not.toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `Uploaded .*diabetes\\.csv \\(\\d+ bytes\\) to ${harness.input}/cli/\\d{8}T\\d{6}Z-[0-9a-f]{6}/diabetes\\.csv`,
      ),
    );
    expect(result.stdout).toBe(
      [
        `Job ${jobId}: Succeeded`,
        '  model    diabetes@1',
        '  rows     442 scored, 0 bad, of 442',
        `  output   ${harness.output}/${jobId}/predictions.jsonl`,
        `  manifest ${harness.output}/${jobId}/_manifest.json`,
        '',
      ].join('\n'),
    );
    const records = (await harness.read(harness.output, `${jobId}/predictions.jsonl`))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { age: string; variable: number });
    expect(records.map((record) => record.age)).toEqual(diabetes.rows.map((row) => row[0]));
    records.forEach((record, index) => expect(record.variable).toBeCloseTo(expected[index]!, 3));
  });

  it('the upload does not also start a blob-drop job', async () => {
    await harness.host.waitForLog(/Not scoring .*\/cli\/.*diabetes\.csv: its metadata says autoscore=false/);
    const jobs = await harness.jobs.list({ top: 1000 });
    // The jobs table is shared by every harness of the test run: look at this harness's input only.
    const mine = jobs.filter((job) => job.input.startsWith(`${harness.input}/`));
    expect(mine.map((job) => job.source)).toEqual(['http']);
  });

  it('a job that fails prints its reason and exits 1', async () => {
    const result = await run(['score', dataFile, '--model', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^Job job-\S+: Failed\n {2}model {4}nope\n {2}reason {3}Model "nope" is not registered and is not a bundled model \(bundled: diabetes, fns-candy, sensor-anomaly\)\.\n$/,
    );
  });

  it('a spec the API refuses prints the API message', async () => {
    const result = await run(['score', dataFile, '--model', 'diabetes', '--pass-through', 'age,']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Job spec field "output.passThrough.1": Too small: expected string to have >=1 characters',
    );
  });

  it('a file that does not exist', async () => {
    const result = await run(['score', 'no/such.csv', '--model', 'diabetes']);
    expect(result).toMatchObject({ code: 1, stderr: 'Cannot read no/such.csv: no such file.\n' });
  });

  it('says how to start a host when none answers at --url', async () => {
    const url = `http://127.0.0.1:${await findFreePort()}`;
    const result = await run(['score', dataFile, '--model', 'diabetes'], url);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `No host answers at ${url} (ECONNREFUSED). Start it with "npx durable-scoring start" (this project) or ` +
        '"npx durable-scoring host <appDir>", or pass --url with the address it prints.\n',
    );
    expect((await run(['jobs', 'list'], url)).stderr).toMatch(/^No host answers at /);
  });

  describe('durable-scoring jobs', () => {
    it('list shows the job; --status filters', async () => {
      const listed = await run(['jobs', 'list', '--status', 'Succeeded', '--top', '1000']);
      expect(listed.code).toBe(0);
      const [head, ...rows] = listed.stdout.trim().split('\n');
      expect(head).toMatch(/^JOB ID +STATUS +MODEL +ROWS +CREATED +INPUT$/);
      expect(rows.find((line) => line.startsWith(jobId))).toMatch(
        new RegExp(`^${jobId} +Succeeded +diabetes@1 +442/442 +\\S+ +${harness.input}/cli/`),
      );
      // The jobs table is shared with other test files running at the same time: check the filter
      // by this test's own job, not by an empty list.
      const canceled = await run(['jobs', 'list', '--status', 'Canceled', '--top', '1000']);
      expect(canceled.code).toBe(0);
      expect(canceled.stdout).not.toContain(jobId);
      expect(canceled.stdout.split('\n').filter((line) => / Succeeded /.test(line))).toEqual([]);
      const json = JSON.parse((await run(['jobs', 'list', '--json', '--top', '1000'])).stdout) as {
        jobId: string;
      }[];
      expect(json.map((job) => job.jobId)).toContain(jobId);
    });

    it('show prints the job and its partitions', async () => {
      const shown = await run(['jobs', 'show', jobId]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`Job:        ${jobId}\nStatus:     Succeeded\n`);
      expect(shown.stdout).toContain('Rows:       442 scored, 0 bad, of 442\nPartitions: 1/1 done\n');
      expect(shown.stdout).toMatch(/PARTITION +STATUS +ROWS +ATTEMPTS +ERROR\n0 +Succeeded +442 +1 *\n/);
      const json = JSON.parse((await run(['jobs', 'show', jobId, '--json'])).stdout) as { status: string };
      expect(json.status).toBe('Succeeded');
    });

    it('show and cancel of an unknown job, and cancel of a finished one, exit 1 with the API message', async () => {
      expect(await run(['jobs', 'show', 'job-nope'])).toMatchObject({
        code: 1,
        stderr: "No job with id 'job-nope'.\n",
      });
      expect(await run(['jobs', 'cancel', jobId])).toMatchObject({
        code: 1,
        stderr: `Job '${jobId}' already finished (Succeeded).\n`,
      });
    });

    it('cancel stops a running job', async () => {
      const body = diabetes.rows.map((row) => row.join(',')).join('\n') + '\n';
      const container = await harness.storage.ensureContainer(harness.input);
      await container
        .getBlockBlobClient('large.csv')
        .uploadData(Buffer.from(diabetes.header.join(',') + '\n' + body.repeat(300)), {
          metadata: { autoscore: 'false' },
        });
      const response = await harness.host.fetch('/api/jobs', {
        method: 'POST',
        headers: { 'x-functions-key': await masterKey() },
        body: JSON.stringify({
          input: { blob: 'large.csv' },
          model: 'diabetes',
          partitionBytes: 65536,
          maxConcurrency: 1,
        }),
      });
      const { id } = (await response.json()) as { id: string };
      const deadline = Date.now() + 30_000;
      while ((await harness.jobs.partitions(id)).length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const canceled = await run(['jobs', 'cancel', id]);
      expect(canceled).toMatchObject({ code: 0, stdout: `Job ${id}: Canceled.\n` });
      expect((await harness.jobs.get(id))?.status).toBe('Canceled');
    });
  });
});

async function masterKey(): Promise<string> {
  return (await hostSecrets(harness.host.hostId)).masterKey.value;
}
