import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ScoringHarness } from '../support/scoringHarness';

// OTLP export through the real host: a loopback HTTP server stands in for an OpenTelemetry collector
// and keeps what the app's OTLP/HTTP exporters post to /v1/traces and /v1/metrics (JSON, as the
// exporters send it).

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: OtlpAttribute[];
}
interface OtlpPoint {
  attributes?: OtlpAttribute[];
  asInt?: number | string;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  sum?: { dataPoints: OtlpPoint[] };
}
interface OtlpResource {
  attributes?: OtlpAttribute[];
}
interface TracesRequest {
  resourceSpans: { resource?: OtlpResource; scopeSpans: { spans: OtlpSpan[] }[] }[];
}
interface MetricsRequest {
  resourceMetrics: { resource?: OtlpResource; scopeMetrics: { metrics: OtlpMetric[] }[] }[];
}

const secretHeader = 'Bearer otlp-test-secret-7c1d';
const received: { path: string; headers: IncomingHttpHeaders; body: unknown }[] = [];
const collector = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text) as unknown });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

let harness: ScoringHarness;
const diabetesCsv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  harness = new ScoringHarness({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(secretHeader)}`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_METRIC_EXPORT_INTERVAL: '300',
    OTEL_SERVICE_NAME: 'scoring-otlp-test',
  });
  await harness.start();
});

afterAll(async () => {
  await harness?.host?.stop();
  await new Promise((resolve) => collector.close(resolve));
});

const valueOf = (value: OtlpValue) => value.stringValue ?? value.intValue ?? value.doubleValue;
const attributesOf = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

function sent<T>(path: string): T[] {
  return received.filter((request) => request.path === path).map((request) => request.body as T);
}

function spans() {
  return sent<TracesRequest>('/v1/traces').flatMap((request) =>
    request.resourceSpans.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) =>
        scope.spans.map((span) => ({
          ...span,
          attributes: attributesOf(span.attributes),
          service: attributesOf(resource.resource?.attributes)['service.name'],
        })),
      ),
    ),
  );
}

/** The latest cumulative points of a sum metric, with their attributes. */
function latestSum(name: string) {
  const requests = sent<MetricsRequest>('/v1/metrics');
  for (const request of requests.reverse())
    for (const resource of request.resourceMetrics)
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics)
          if (metric.name === name)
            return (metric.sum?.dataPoints ?? []).map((point) => ({
              attributes: attributesOf(point.attributes),
              value: Number(point.asInt ?? point.asDouble),
            }));
  return [];
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

describe('OTLP export', () => {
  it('posts a job’s spans and the rows it scored to the collector, with the configured headers', async () => {
    const jobId = await harness.drop('diabetes.csv', diabetesCsv);
    const job = await harness.waitForJob(jobId);
    expect(job.status).toBe('Succeeded');

    const all = await eventually(
      spans,
      (found) => found.some((span) => span.name === 'commitScoreJob' && span.attributes['job.id'] === jobId),
      `the commit span of ${jobId}`,
    );
    const root = all.find((span) => span.name === 'scoring job' && span.attributes['job.id'] === jobId);
    expect(root).toMatchObject({ service: 'scoring-otlp-test', attributes: { 'job.source': 'blob' } });
    expect(root!.traceId).toMatch(/^[0-9a-f]{32}$/);
    const trace = all.filter((span) => span.traceId === root!.traceId);
    const names = new Set(trace.map((span) => span.name));
    expect(names).toEqual(
      new Set(['scoring job', 'prepareScoreJob', 'scorePartition', 'inference', 'commitScoreJob']),
    );
    for (const span of trace.filter((span) => span.name !== 'inference'))
      expect(span.attributes['job.id']).toBe(jobId);
    // One tree: the steps under the job's span, inference under the step that ran it.
    const parentName = (span: (typeof trace)[number]) =>
      trace.find((parent) => parent.spanId === span.parentSpanId)?.name;
    for (const span of trace.filter((span) => span !== root))
      expect([span.name, parentName(span)]).toEqual([
        span.name,
        span.name === 'inference'
          ? expect.stringMatching(/^(prepareScoreJob|scorePartition)$/)
          : 'scoring job',
      ]);

    const rows = await eventually(
      () => latestSum('scoring.rows'),
      (points) => points.some((point) => point.value === 442),
      'scoring.rows of 442',
    );
    expect(rows).toEqual([{ attributes: { model: 'diabetes', 'model.version': '1' }, value: 442 }]);

    const paths = new Set(received.map((request) => request.path));
    expect(paths).toEqual(new Set(['/v1/traces', '/v1/metrics']));
    for (const request of received) {
      expect(request.headers.authorization).toBe(secretHeader);
      expect(request.headers['content-type']).toBe('application/json');
    }
    // The header may hold a key: never in the host's log.
    expect(harness.host.output()).not.toContain('otlp-test-secret');
    expect(harness.host.output()).not.toContain('OTLP export is not included');
  });
});
