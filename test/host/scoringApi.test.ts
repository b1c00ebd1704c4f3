import type { JobRecord } from '../../src/scoring/JobStore';
import { ScoringHarness, diabetesReference } from '../support/scoringHarness';
import { hostSecrets } from '../support/testStorage';

// The jobs HTTP API on the real host: POST /api/jobs, GET /api/jobs/{id}, GET /api/jobs, cancel.

const { csv: diabetesCsv, table: diabetes, expected } = diabetesReference();

const harness = new ScoringHarness();
let masterKey: string;

beforeAll(async () => {
  await harness.start();
  masterKey = (await hostSecrets(harness.host.hostId)).masterKey.value;
  await upload('diabetes.csv', diabetesCsv);
});

afterAll(async () => {
  await harness.host?.stop();
});

async function upload(name: string, text: string): Promise<void> {
  const container = await harness.storage.ensureContainer(harness.input);
  await container.getBlockBlobClient(name).uploadData(Buffer.from(text));
}

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': masterKey, 'content-type': 'application/json', ...init.headers },
  });
}

const postJob = (body: unknown) =>
  api('jobs', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

async function startJob(spec: unknown): Promise<string> {
  const response = await postJob(spec);
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

type JobView = JobRecord & { progress: { partitionsDone: number; partitions: number } };

async function getJob(id: string): Promise<JobView> {
  const response = await api(`jobs/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as JobView;
}

/** Polls GET /api/jobs/{id} until `done` holds for it. */
async function waitUntil(id: string, done: (job: JobView) => boolean, timeoutMs = 30_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(id);
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`Job ${id} is ${job.status}: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const waitFor = (id: string, statuses: string[]) => waitUntil(id, (job) => statuses.includes(job.status));

describe('POST /api/jobs with a bad spec answers 400 naming the field', () => {
  const good = { input: { blob: 'diabetes.csv' }, model: 'diabetes' };
  it.each([
    ['missing input.blob', { ...good, input: {} }, 'input.blob', /Job spec field "input.blob": /],
    [
      'a blob name with ".."',
      { ...good, input: { blob: 'a/../diabetes.csv' } },
      'input.blob',
      /must not contain "\.\." segments/,
    ],
    [
      'a blob name with a control character',
      { ...good, input: { blob: 'a\u0001.csv' } },
      'input.blob',
      /must not contain control characters/,
    ],
    ['a bad model reference', { ...good, model: 'my model!' }, 'model', /must be a model reference/],
    ['an unknown property', { ...good, priority: 'high' }, 'priority', /unknown property "priority"/],
    [
      'an unknown property inside output',
      { ...good, output: { fmt: 'csv' } },
      'output.fmt',
      /unknown property "fmt"/,
    ],
    [
      'an output format it cannot write',
      { ...good, output: { format: 'xlsx' } },
      'output.format',
      /Job spec field "output.format"/,
    ],
    [
      'a partition size below 64 KiB',
      { ...good, partitionBytes: 1000 },
      'partitionBytes',
      /^Job spec field "partitionBytes": must be a whole number of bytes from 65536 \(64 KiB\) to 1073741824 \(1 GiB\)$/,
    ],
    [
      'a model version that is not a positive number',
      { ...good, model: 'diabetes@-1' },
      'model',
      /^Job spec field "model": must be a model reference: .*after "@" give a version \(a positive integer\), latest, production or staging\)$/,
    ],
    [
      'version 0',
      { ...good, model: 'diabetes@0' },
      'model',
      /after "@" give a version \(a positive integer\)/,
    ],
    ['no name before "@"', { ...good, model: '@0' }, 'model', /the name must be letters, digits/],
    [
      'a 5,000-character model name',
      { ...good, model: 'm'.repeat(5000) },
      'model',
      /^Job spec field "model": must be a model reference of at most 200 characters$/,
    ],
    [
      'an input whose format the name does not tell',
      { ...good, input: { blob: 'sales.xlsx' } },
      'input.format',
      /^Cannot tell the format of "sales\.xlsx": name it \.csv, \.jsonl or \.parquet, or set input\.format\.$/,
    ],
    [
      'a line break as delimiter',
      { ...good, input: { blob: 'diabetes.csv', delimiter: '\n' } },
      'input.delimiter',
      /must not be a line break or a double quote$/,
    ],
    [
      'a double quote as delimiter',
      { ...good, input: { blob: 'diabetes.csv', delimiter: '"' } },
      'input.delimiter',
      /must not be a line break or a double quote$/,
    ],
    [
      'a partition size of 1e300',
      { ...good, partitionBytes: 1e300 },
      'partitionBytes',
      /must be a whole number of bytes from 65536 \(64 KiB\) to 1073741824 \(1 GiB\)$/,
    ],
    [
      "the host's key store as input",
      { ...good, input: { container: 'azure-webjobs-secrets', blob: 'host/host.json', format: 'csv' } },
      'input.container',
      /^input\.container: container "azure-webjobs-secrets" is not one jobs may read \(DATA_READ_CONTAINERS: /,
    ],
    [
      "the host's key store as output",
      { ...good, output: { container: 'azure-webjobs-secrets' } },
      'output.container',
      /^output\.container: container "azure-webjobs-secrets" is not one jobs may write to/,
    ],
    [
      'the model registry as output',
      { ...good, output: { container: 'models' } },
      'output.container',
      /^output\.container: container "models" is not one jobs may write to/,
    ],
    [
      "the blob trigger's input container as output (every output would start a job)",
      { ...good, output: { container: harness.input } },
      'output.container',
      /^output\.container: container "[a-z0-9]+" is not one jobs may write to/,
    ],
  ])('%s', async (_what, spec, field, message) => {
    const response = await postJob(spec);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; field: string };
    expect(body.field).toBe(field);
    expect(body.error).toMatch(message);
  });

  it('a body that is not JSON', async () => {
    const response = await postJob('{"input": ');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      'The request body must be a JSON job spec.',
    );
  });

  it('no key is 401 (authLevel function)', async () => {
    const response = await harness.host.fetch('/api/jobs', { method: 'POST', body: JSON.stringify(good) });
    expect(response.status).toBe(401);
  });
});

describe('a job started over HTTP', () => {
  let jobId = '';

  it('answers 202 with the job id and its status URL in Location', async () => {
    const response = await postJob({
      input: { blob: 'diabetes.csv' },
      model: 'diabetes@1',
      output: { format: 'jsonl', passThrough: ['age'] },
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; status: string; statusUrl: string };
    jobId = body.id;
    expect(body.status).toBe('Queued');
    expect(response.headers.get('location')).toBe(`${harness.host.baseUrl}/api/jobs/${jobId}`);
    expect(body.statusUrl).toBe(response.headers.get('location'));
  });

  it('GET /api/jobs/{id} shows it Succeeded; the output keeps the pass-through column and the predictions', async () => {
    const job = await waitFor(jobId, ['Succeeded', 'PartiallySucceeded', 'Failed']);
    expect(job).toMatchObject({
      status: 'Succeeded',
      source: 'http',
      model: 'diabetes',
      modelVersion: '1',
      scoredRows: 442,
      badRows: 0,
      output: `${harness.output}/${jobId}/predictions.jsonl`,
      progress: { partitionsDone: 1, partitions: 1 },
    });
    const records = (await harness.readOutput(job.output!))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { age: string; variable: number });
    expect(records.map((record) => Object.keys(record))).toEqual(records.map(() => ['age', 'variable']));
    expect(records.map((record) => record.age)).toEqual(diabetes.rows.map((row) => row[0]));
    records.forEach((record, index) => expect(record.variable).toBeCloseTo(expected[index]!, 3));
  });

  it('GET /api/jobs?status=Succeeded lists it; other statuses do not', async () => {
    const listed = async (query: string) => {
      const response = await api(`jobs?${query}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as JobRecord[]).map((job) => job.jobId);
    };
    expect(await listed('status=Succeeded&top=1000')).toContain(jobId);
    expect(await listed('status=Failed,Canceled&top=1000')).not.toContain(jobId);
    const bad = await api('jobs?status=Done');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('status');
  });

  it('cancel of a finished job is 409', async () => {
    const response = await api(`jobs/${jobId}/cancel`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: string }).error).toBe(
      `Job '${jobId}' already finished (Succeeded).`,
    );
  });
});

describe('jobs that do not exist or cannot run', () => {
  it('an unknown id is 404 for GET and cancel', async () => {
    expect((await api('jobs/job-nope')).status).toBe(404);
    expect((await api('jobs/job-nope/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('an input blob that does not exist fails the job with a reason naming it', async () => {
    const id = await startJob({ input: { blob: 'missing.csv' }, model: 'diabetes' });
    const job = await waitFor(id, ['Failed', 'Succeeded']);
    expect(job.reason).toBe(`Input blob ${harness.input}/missing.csv does not exist.`);
  });

  it('a pass-through column the input lacks fails the job naming it', async () => {
    const id = await startJob({
      input: { blob: 'diabetes.csv' },
      model: 'diabetes',
      output: { passThrough: ['id'] },
    });
    const job = await waitFor(id, ['Failed', 'Succeeded']);
    expect(job.reason).toBe('output.passThrough names column(s) the input does not have: id.');
  });
});

describe('cancel of a running job', () => {
  it('stops it: the job ends Canceled, the orchestration is terminated and no output is committed', async () => {
    const body = diabetes.rows.map((row) => row.join(',')).join('\n') + '\n';
    await upload('large.csv', diabetes.header.join(',') + '\n' + body.repeat(300));
    const id = await startJob({
      input: { blob: 'large.csv' },
      model: 'diabetes',
      partitionBytes: 64 * 1024,
      maxConcurrency: 1,
    });
    // Cancel once it is scoring: about 85 partitions of 64 KiB, one at a time.
    const running = await waitUntil(id, (job) => job.progress.partitionsDone > 0);
    expect(running).toMatchObject({ status: 'Running', partitions: 85 });
    const response = await api(`jobs/${id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id, status: 'Canceled' });
    const instance = async () => {
      const status = await harness.host.fetch(
        `/runtime/webhooks/durabletask/instances/${id}?code=${encodeURIComponent(masterKey)}`,
      );
      return ((await status.json()) as { runtimeStatus: string }).runtimeStatus;
    };
    const deadline = Date.now() + 15_000;
    while ((await instance()) !== 'Terminated' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await instance()).toBe('Terminated');
    // Partitions that were running when it was canceled finish; nothing commits after the cancel.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const job = await getJob(id);
    expect(job).toMatchObject({ status: 'Canceled', reason: 'Canceled by request.' });
    expect(job.progress.partitionsDone).toBeLessThan(job.progress.partitions);
    const manifest = harness.storage.container(harness.output).getBlobClient(`${id}/_manifest.json`);
    expect(await manifest.exists()).toBe(false);
    expect((await api(`jobs/${id}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('is refused (409) once the job is committing its output', async () => {
    const jobs = harness.jobs;
    const id = `job-committing-${Date.now().toString(36)}`;
    await jobs.create({
      jobId: id,
      status: 'Committing',
      source: 'http',
      createdTime: new Date().toISOString(),
      input: 'input/x.csv',
    });
    const response = await api(`jobs/${id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect(await response.text()).toMatch(/committing its output and can no longer be canceled/);
    expect((await jobs.get(id))?.status).toBe('Committing');
  });
});

describe('scoreJob started through the Durable HTTP API without a job', () => {
  it.each([['{}'], ['null'], ['{"jobId": 5}']])(
    'with %s ends Failed with a reason, and the host goes on',
    async (body) => {
      const response = await harness.host.fetch(
        '/runtime/webhooks/durabletask/orchestrators/scoreJob?timeout=20&pollingInterval=0.2',
        {
          method: 'POST',
          headers: { 'x-functions-key': masterKey, 'content-type': 'application/json' },
          body,
        },
      );
      // Completed within the wait: the answer is the orchestration's output.
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        jobId: '',
        status: 'Failed',
        reason:
          'scoreJob needs { jobId, spec, source } as its input: start jobs with POST /api/jobs or a blob drop.',
      });
      expect((await harness.host.fetch('/admin/host/status')).status).toBe(200);
    },
  );
});
