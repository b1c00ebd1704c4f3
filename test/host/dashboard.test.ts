import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { computeBaseline } from '../../src/training/computeBaseline';
import { readNumericTable } from '../../src/training/readNumericTable';
import { launchChromium, pixelsOfColour, watchPage } from '../support/dashboardBrowser';
import { ScoringHarness } from '../support/scoringHarness';
import { hostSecrets, uniqueName } from '../support/testStorage';
import { shiftColumn } from '../support/shiftColumn';

// The web dashboard on the real host, in Debian's Chromium: seeded through the app's own API (two model
// versions with metrics, two jobs, one with drift, a retrain run), each page must load cleanly and show
// those figures; a held job's progress must move without a reload.

const csv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
const diabetes = readNumericTable(csv, 'diabetes.csv');
const features = diabetes.columns.filter((name) => name !== 'target');
const diabetesCard = JSON.parse(readFileSync('models/diabetes/model.json', 'utf8')) as Record<
  string,
  unknown
>;
const onnxBase64 = readFileSync('models/diabetes/model.onnx').toString('base64');
const blue: [number, number, number] = [37, 99, 235];
const red: [number, number, number] = [220, 38, 38];
// Partition 7 exists only in the larger input: its first two tries fail, so that job is held a while.
const heldPartition = 7;

const harness = new ScoringHarness({
  MODEL_REGISTRY_TABLE: uniqueName('models'),
  MODEL_REGISTRY_CONTAINER: uniqueName('models'),
  RETRAIN_RUNS_TABLE: uniqueName('runs'),
  RETRAIN_RUNS_CONTAINER: uniqueName('runs'),
  SCORING_PARTITION_BYTES: '8192',
  DURABLE_SCORING_TEST_FAULTS: JSON.stringify({ scorePartition: { [heldPartition]: 2 } }),
});
let key: string;
let browser: BrowserContext;
let closeBrowser: () => Promise<void>;
const seeded = { plainJob: '', driftedJob: '', runId: '', production: 0 };

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return harness.host.fetch(`/api/${path}`, {
    ...init,
    headers: { 'x-functions-key': key, 'content-type': 'application/json', ...init.headers },
  });
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await api(path, { method: 'POST', body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function startJob(blob: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await post('jobs', { input: { blob }, model: 'dash', ...extra })).id as string;
}

beforeAll(async () => {
  const launched = launchChromium();
  await harness.start();
  key = (await hostSecrets(harness.host.hostId)).masterKey.value;
  const container = await harness.storage.ensureContainer(harness.input);
  const lines = csv.trim().split('\n');
  // An id column passed through to the output, so that labels fed back for it join (live metrics).
  const withIds =
    [`id,${lines[0]}`, ...lines.slice(1).map((line, i) => `p${i + 1},${line}`)].join('\n') + '\n';
  const large = [lines[0], ...Array.from({ length: 5 }, () => lines.slice(1)).flat()].join('\n') + '\n';
  for (const [name, text] of [
    ['plain.csv', withIds],
    ['shifted.csv', shiftColumn(csv, 'bmi', 3)],
    ['large.csv', large],
  ] as const)
    await container
      .getBlockBlobClient(name)
      .uploadData(Buffer.from(text), { metadata: { autoscore: 'false' } });
  const card = (metrics: Record<string, number>) => ({
    ...diabetesCard,
    name: 'dash',
    metrics,
    training: { data: 'data/diabetes.csv', target: 'target', baseline: computeBaseline(diabetes, features) },
  });
  await post('models/dash/versions', { card: card({ r2: 0.41, rmse: 58.25 }), onnxBase64 });
  await post('models/dash/versions', { card: card({ r2: 0.5176, rmse: 53.4853 }), onnxBase64 });
  await post('models/dash/stage', { version: 2, stage: 'Production', reason: 'better r2' });
  seeded.plainJob = await startJob('plain.csv', { output: { passThrough: ['id'] } });
  seeded.driftedJob = await startJob('shifted.csv');
  seeded.runId = (await post('models/dash/retrain', { reason: 'dashboard test' })).runId as string;
  await harness.waitForJob(seeded.plainJob, 60_000);
  await harness.waitForJob(seeded.driftedJob, 60_000);
  const target = diabetes.columns.indexOf('target');
  const labels = lines
    .slice(1, 61)
    .map((line, i) => ({ id: `p${i + 1}`, label: Number(line.split(',')[target]) }));
  await post('models/dash/feedback', { rows: labels });
  for (const deadline = Date.now() + 60_000; ;) {
    const run = (await (await api(`models/dash/runs/${seeded.runId}`)).json()) as { status: string };
    if (run.status !== 'Running') break;
    if (Date.now() > deadline)
      throw new Error(`Run ${seeded.runId} still running.\n${harness.host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  seeded.production = ((await (await api('models/dash')).json()) as { production: number }).production;
  ({ browser, close: closeBrowser } = await launched);
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await harness.host?.stop();
});

/** A page signed in through `?code=`, opened at a hash route, with its problems collected. */
async function open(hash: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(`${harness.host.baseUrl}/api/dashboard/?code=${encodeURIComponent(key)}${hash}`);
  await page.waitForSelector(`#view[data-loaded="${hash.slice(1)}"]`, { timeout: 15_000 });
  return { page, problems };
}

/** Polls `check` every 100 ms until it holds (true) or `timeoutMs` passes (false). */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

describe('the dashboard in Chromium', () => {
  it('serves its page without a key, with a strict CSP, and takes the key out of the URL', async () => {
    const shell = await harness.host.fetch('/api/dashboard/');
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(shell.headers.get('content-security-policy')).not.toMatch(/unsafe|https?:/);
    const html = await shell.text();
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
    const script = /src="(app-[\w]+\.js)"/.exec(html)?.[1];
    const asset = await harness.host.fetch(`/api/dashboard/${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await harness.host.fetch('/api/dashboard/nope.js')).status).toBe(404);
    expect((await harness.host.fetch('/api/jobs')).status).toBe(401);

    const { page, problems } = await open('#/jobs');
    expect(page.url()).not.toContain(key);
    expect(page.url()).toBe(`${harness.host.baseUrl}/api/dashboard/#/jobs`);
    expect(problems).toEqual([]);
    expect(harness.host.output()).not.toContain(key);
    await page.close();
  });

  it('a wrong key shows the sign-in form, and the right one signs in', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.host.baseUrl}/api/dashboard/?code=not-the-key#/models`);
    await page.waitForSelector('#sign-in .error');
    expect(await text(page, '#sign-in .error')).toContain('did not accept that key');
    expect(page.url()).not.toContain('not-the-key');
    await page.fill('#key', key);
    await page.click('#sign-in button');
    await page.waitForSelector('#models-table');
    expect(await text(page, '#models-table')).toContain('dash');
    await page.close();
  });

  it('jobs: the seeded jobs with their rows scored and drift', async () => {
    const { page, problems } = await open('#/jobs');
    const table = await text(page, '#jobs-table');
    expect(table).toContain(seeded.plainJob);
    expect(table).toContain(seeded.driftedJob);
    expect(table).toContain('442 of 442 rows');
    expect(table).toContain('breach');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a job: partitions timeline, manifest and figures', async () => {
    const { page, problems } = await open(`#/jobs/${seeded.plainJob}`);
    expect(await text(page, '[data-test=scored-rows]')).toBe('442');
    expect(await page.$$eval('#partitions-table tbody tr', (rows) => rows.length)).toBe(3);
    expect(await page.getAttribute('[data-chart=timeline]', 'data-points')).toBe('3');
    expect(await pixelsOfColour(page, '[data-chart=timeline]', blue)).toBeGreaterThan(100);
    const manifest = JSON.parse(await text(page, '#manifest')) as { jobId?: string };
    expect(JSON.stringify(manifest)).toContain(seeded.plainJob);
    expect(await text(page, 'main')).toContain('No bad rows');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a running job: its progress moves without a reload', async () => {
    const jobId = await startJob('large.csv', { maxConcurrency: 2, retry: { firstRetryIntervalMs: 800 } });
    const { page, problems } = await open(`#/jobs/${jobId}`);
    // A mark on the window: a reload would lose it.
    await page.evaluate(() => ((globalThis as { marker?: number }).marker = 1));
    const seen = new Set<string | null>([await page.getAttribute('#job-progress', 'data-done')]);
    await expect(
      until(async () => {
        seen.add(await page.getAttribute('#job-progress', 'data-done'));
        return (await text(page, '[data-test=scored-rows]')) === '2,210';
      }, 30_000),
    ).resolves.toBe(true);
    // Partitions done went up in steps the page showed: at least one between the first and the last.
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(1);
    expect(await text(page, '#job-progress')).toContain('2,210 rows scored');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('models: versions, stages, tags and the metric across versions', async () => {
    const list = await open('#/models');
    expect(await text(list.page, '#models-table')).toContain('dash');
    await list.page.close();
    const { page, problems } = await open('#/models/dash');
    expect(await text(page, '[data-test=production-version]')).toBe(String(seeded.production));
    const versions = await text(page, '#versions-table');
    expect(versions).toContain('0.41');
    expect(versions).toContain('0.5176');
    expect(versions).toContain('algorithm=ridge');
    expect(Number(await page.getAttribute('[data-chart=metrics]', 'data-points'))).toBeGreaterThanOrEqual(2);
    expect(await pixelsOfColour(page, '[data-chart=metrics]', blue)).toBeGreaterThan(50);
    expect(await text(page, '#runs-table')).toContain(seeded.runId);
    // The 60 labels fed back for the plain job's rows: live r2 of the version that scored them.
    expect(await page.getAttribute('[data-chart=live-metrics]', 'data-points')).toBe('1');
    const live = (await (await api('models/dash/live-metrics?bucket=hour')).json()) as {
      points: { version: number; n: number; value: number }[];
    };
    const cells = await page.locator('#live-metrics-table tbody td').allTextContents();
    const value = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 }).format(live.points[0]!.value);
    expect(cells.slice(1)).toEqual([String(seeded.production), '60', value]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a retrain run: its decision, candidate against production and the data checks', async () => {
    const run = (await (await api(`models/dash/runs/${seeded.runId}`)).json()) as {
      status: string;
      report: { decision: string };
    };
    const { page, problems } = await open(`#/models/dash/runs/${seeded.runId}`);
    expect(await text(page, '#decision')).toBe(run.report.decision);
    expect(await text(page, 'h1')).toContain(run.status);
    expect(await text(page, '#run-metrics')).toContain('r2 (policy)');
    expect(await page.$$eval('#data-checks tbody tr', (rows) => rows.length)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('drift: PSI per feature over time, thresholds drawn, the bmi breach ringed and marked', async () => {
    const { records } = (await (await api('models/dash/drift')).json()) as { records: unknown[] };
    const { page, problems } = await open('#/drift/dash');
    expect(await text(page, '[data-test=breach-count]')).toBe('1 breaches');
    expect(Number(await page.getAttribute('[data-chart=drift]', 'data-points'))).toBe(
      records.length * features.length,
    );
    expect(await pixelsOfColour(page, '[data-chart=drift]', red)).toBeGreaterThan(50);
    expect(await page.$$eval('#drift-table .psi-breach', (cells) => cells.length)).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('streams and instances: load cleanly; an instance shows its history', async () => {
    const streams = await open('#/streams');
    expect(streams.problems).toEqual([]);
    await streams.page.close();
    const { page, problems } = await open('#/instances');
    const table = await text(page, '#instances-table');
    expect(table).toContain(seeded.plainJob);
    expect(table).toContain('scoreJob');
    await page.close();
    const detail = await open(`#/instances/${seeded.plainJob}`);
    const history = await text(detail.page, '#history-table');
    expect(history).toContain('prepareScoreJob');
    expect(history).toContain('ExecutionCompleted');
    expect([...problems, ...detail.problems]).toEqual([]);
    await detail.page.close();
  });
});
