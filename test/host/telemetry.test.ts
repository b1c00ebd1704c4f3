import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';

// Telemetry through the real host: the app's spans and metrics land in in-memory exporters that
// test/support/telemetryCapture.js registers in the host process (before the app loads, as a
// platform's SDK would) and writes out for this test. The console log is JSON lines (LOG_FORMAT=json).

interface CapturedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  startMs: number;
  endMs: number;
}

type CapturedMetrics = Record<string, { attributes: Record<string, string>; value: unknown }[]>;

const telemetryDir = mkdtempSync(path.join(os.tmpdir(), 'telemetry-'));
const capture = path.resolve('test/support/telemetryCapture.js');
const harness = new ScoringHarness({
  // Several partitions for the 442 rows.
  SCORING_PARTITION_BYTES: '8192',
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${capture}`.trim(),
  DURABLE_SCORING_TEST_TELEMETRY_DIR: telemetryDir,
  LOG_FORMAT: 'json',
  // The retrain run registers a version: in a registry of this host's own.
  MODEL_REGISTRY_TABLE: uniqueName('models'),
  MODEL_REGISTRY_CONTAINER: uniqueName('models'),
  RETRAIN_RUNS_TABLE: uniqueName('runs'),
  RETRAIN_RUNS_CONTAINER: uniqueName('runs'),
});
const diabetesCsv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');

beforeAll(async () => {
  await harness.start();
  // The API job's input: not scored as a drop too, so that the metrics count one job's rows.
  await harness.drop('diabetes.csv', diabetesCsv, { autoscore: 'false' });
});

afterAll(async () => {
  await harness.host?.stop();
});

function capturedSpans(): CapturedSpan[] {
  return readdirSync(telemetryDir)
    .filter((name) => name.startsWith('spans-'))
    .flatMap((name) => readFileSync(path.join(telemetryDir, name), 'utf8').trim().split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CapturedSpan);
}

function capturedMetrics(): CapturedMetrics {
  const file = readdirSync(telemetryDir).find((name) => name.startsWith('metrics-'));
  return file ? (JSON.parse(readFileSync(path.join(telemetryDir, file), 'utf8')) as CapturedMetrics) : {};
}

async function eventually<T>(read: () => T, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The job's spans, once its commit span has ended: the HTTP or trigger span is found by trace id. */
async function spansOfJob(jobId: string): Promise<CapturedSpan[]> {
  const spans = await eventually(
    capturedSpans,
    (all) => all.some((span) => span.name === 'commitScoreJob' && span.attributes['job.id'] === jobId),
    `the commit span of ${jobId}`,
  );
  const traceId = spans.find((span) => span.attributes['job.id'] === jobId)!.traceId;
  return spans.filter((span) => span.traceId === traceId);
}

/** Checks that the spans form one tree and returns its root. */
function rootOf(spans: readonly CapturedSpan[]): CapturedSpan {
  const ids = new Set(spans.map((span) => span.spanId));
  const roots = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
  expect(roots).toHaveLength(1);
  return roots[0]!;
}

const childrenOf = (spans: readonly CapturedSpan[], parent: CapturedSpan) =>
  spans.filter((span) => span.parentSpanId === parent.spanId);

describe('telemetry of a scoring job', () => {
  it('carries the request’s trace from POST /api/jobs through the activities to inference in the workers', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const { masterKey } = await hostSecrets(harness.host.hostId);
    const response = await harness.host.fetch('/api/jobs', {
      method: 'POST',
      headers: {
        'x-functions-key': masterKey.value,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({ input: { blob: 'diabetes.csv' }, model: 'diabetes@1' }),
    });
    expect(response.status).toBe(202);
    const { id: jobId } = (await response.json()) as { id: string };
    const job = await harness.waitForJob(jobId);
    expect(job.status).toBe('Succeeded');

    const spans = await spansOfJob(jobId);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    const http = rootOf(spans);
    expect(http.name).toBe('POST /api/jobs');
    // Its parent is the host's invocation span, a child of the caller's: neither is the app's to record.
    expect(http.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(http.parentSpanId).not.toBe(callerSpanId);
    expect(http.attributes).toMatchObject({ 'http.route': '/api/jobs', 'url.path': '/api/jobs' });
    expect(JSON.stringify(http.attributes)).not.toContain(masterKey.value);

    const [jobSpan, ...others] = childrenOf(spans, http);
    expect(others).toHaveLength(0);
    expect(jobSpan).toMatchObject({
      name: 'scoring job',
      attributes: { 'job.id': jobId, 'job.source': 'http' },
    });
    const steps = childrenOf(spans, jobSpan!);
    const partitions = steps.filter((span) => span.name === 'scorePartition');
    expect(steps.map((span) => span.name).sort()).toEqual(
      ['commitScoreJob', 'prepareScoreJob', ...partitions.map(() => 'scorePartition')].sort(),
    );
    expect(partitions.map((span) => span.attributes['partition.index']).sort()).toEqual([
      ...Array(job.partitions).keys(),
    ]);
    expect(job.partitions).toBeGreaterThan(1);
    for (const step of steps) expect(step.attributes['job.id']).toBe(jobId);
    for (const partition of partitions) {
      const inference = childrenOf(spans, partition);
      expect(inference.length).toBeGreaterThan(0);
      for (const span of inference) {
        expect(span).toMatchObject({ name: 'inference', attributes: { 'model.name': 'diabetes' } });
        // Recorded from the worker thread's own times, inside its partition's span.
        expect(span.startMs).toBeGreaterThanOrEqual(partition.startMs - 1);
        expect(span.endMs).toBeLessThanOrEqual(partition.endMs + 1);
      }
    }

    const metrics = await eventually(
      capturedMetrics,
      (values) => (values['scoring.job.duration'] ?? []).length > 0,
      'the job duration metric',
    );
    const rows = (metrics['scoring.rows'] ?? []).filter((point) => point.attributes.model === 'diabetes');
    expect(rows).toEqual([{ attributes: { model: 'diabetes', 'model.version': '1' }, value: 442 }]);
    expect(job.scoredRows).toBe(442);
    expect(metrics['scoring.job.duration']).toEqual([
      {
        attributes: { model: 'diabetes', status: 'Succeeded' },
        value: { count: 1, sum: expect.any(Number) },
      },
    ]);
    expect(metrics['worker.queue.lag']?.[0]?.attributes).toEqual({ worker: 'inferenceWorker' });
  });

  it('traces a blob drop’s job from its trigger, and logs the trigger’s line as JSON with the same trace id', async () => {
    const jobId = await harness.drop('dropped/diabetes.csv', diabetesCsv);
    expect((await harness.waitForJob(jobId)).status).toBe('Succeeded');
    const spans = await spansOfJob(jobId);
    const root = rootOf(spans);
    expect(root).toMatchObject({
      name: 'scoring job',
      attributes: { 'job.id': jobId, 'job.source': 'blob' },
    });
    expect(spans.filter((span) => span.name === 'inference').length).toBeGreaterThan(1);

    const lines = harness.host
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, string>);
    const triggerLine = lines.find(
      (line) => line.category === 'Function.scoreDroppedBlob.User' && line.message?.includes(jobId),
    );
    expect(triggerLine).toMatchObject({
      level: 'information',
      function: 'scoreDroppedBlob',
      traceId: root.traceId,
      spanId: root.parentSpanId,
      invocationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The host's own lines are JSON too.
    expect(
      lines.some((line) => line.category === 'Host' && /Executed 'Functions\./.test(line.message ?? '')),
    ).toBe(true);
  });
});

describe('telemetry of a retraining run', () => {
  it('carries the request’s trace from POST /api/models/{name}/retrain through every step of the run', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const { masterKey } = await hostSecrets(harness.host.hostId);
    const response = await harness.host.fetch('/api/models/diabetes/retrain', {
      method: 'POST',
      headers: {
        'x-functions-key': masterKey.value,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      },
      body: '{}',
    });
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };

    const spans = await eventually(
      capturedSpans,
      (all) => all.some((span) => span.name === 'finishRetrain' && span.attributes['run.id'] === runId),
      `the finish span of ${runId}`,
    );
    const run = spans.filter((span) => span.traceId === traceId);
    const http = rootOf(run);
    expect(http).toMatchObject({ name: 'POST /api/models/{name}/retrain' });
    const [runSpan, ...others] = childrenOf(run, http);
    expect(others).toHaveLength(0);
    expect(runSpan).toMatchObject({
      name: 'retrain run',
      attributes: { 'run.id': runId, 'model.name': 'diabetes', 'retrain.trigger': 'http' },
    });
    const steps = childrenOf(run, runSpan!);
    const names = steps.map((span) => span.name);
    // Promoted or not, depending on the policy: every other step is there once, in order.
    expect(names.filter((name) => name !== 'promoteCandidate')).toEqual([
      'prepareRetrain',
      'trainCandidate',
      'evaluateRetrainModels',
      'registerCandidate',
      'finishRetrain',
    ]);
    for (const step of steps)
      expect(step.attributes).toMatchObject({ 'run.id': runId, 'model.name': 'diabetes' });

    // The trace travels with the steps' inputs, not into the run's report.
    const view = await harness.host.fetch(`/api/models/diabetes/runs/${runId}`, {
      headers: { 'x-functions-key': masterKey.value },
    });
    const body = (await view.json()) as { report?: { runId: string } };
    expect(body.report?.runId).toBe(runId);
    expect(JSON.stringify(body)).not.toContain(traceId);
  });
});
