/**
 * The deployable package (`npm run package`) holds everything the app needs: unzipped into a folder
 * outside the project, where no module can resolve to the project's node_modules, it runs the demo job
 * on the embedded host from its own production dependencies alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobStore } from '../../src/scoring/JobStore';
import { StorageClients } from '../../src/storage/StorageClients';
import { TestHost } from '../support/TestHost';
import { uniqueHubName } from '../support/durableTestClient';
import { diabetesReference, parseSimpleCsv } from '../support/scoringHarness';
import { uniqueName } from '../support/testStorage';
import { unzipTo } from '../support/unzipTo';

const repoRoot = path.resolve(__dirname, '..', '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'packaged-app-'));
const zipFile = path.join(work, 'durable-scoring.zip');
const appDir = path.join(work, 'app');
const output = uniqueName('pkgout');
let entries: string[] = [];
let host: TestHost | undefined;
let demo: RegExpMatchArray;

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'packageApp.js'), '--out', zipFile], {
    stdio: 'ignore',
  });
  entries = unzipTo(zipFile, appDir);
  host = await TestHost.start(appDir, {
    command: 'start',
    startTimeoutMs: 40_000,
    settings: {
      NODE_PATH: '',
      SCORING_INPUT_CONTAINER: uniqueName('pkgin'),
      VIDEO_INPUT_CONTAINER: uniqueName('pkgvid'),
      FEEDBACK_CONTAINER: uniqueName('pkgfb'),
      TRAINING_DATA_CONTAINER: uniqueName('pkgtrain'),
      WORK_RESULTS_QUEUE: uniqueName('pkgresults'),
      SCORING_OUTPUT_CONTAINER: output,
      AzureFunctionsJobHost__extensions__durableTask__hubName: uniqueHubName('Packaged'),
      'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
      // The demo retrains the diabetes model: its candidate goes to a registry of this test's own.
      MODEL_REGISTRY_TABLE: uniqueName('pkgmodels'),
      MODEL_REGISTRY_CONTAINER: uniqueName('pkgmodels'),
      RETRAIN_RUNS_TABLE: uniqueName('pkgruns'),
      RETRAIN_RUNS_CONTAINER: uniqueName('pkgruns'),
    },
  });
  demo = await host.waitForLog(/Demo: job (\S+) (\w+).*: (\d+) rows scored, (\d+) bad/, 60_000);
}, 110_000);

afterAll(async () => {
  await host?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the deployable package', () => {
  it('holds the app and its production dependencies, none of the embedded host or its tools', () => {
    for (const file of [
      'host.json',
      'package.json',
      'dist/functions/blobDrop.js',
      'models/diabetes/model.onnx',
      'data/diabetes.csv',
      'node_modules/@azure/functions/package.json',
      'node_modules/durable-functions/package.json',
      `node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`,
    ])
      expect(entries).toContain(file);
    const development =
      /^(node_modules\/(azurite|commander|cli-progress|glob|jest|typescript|@azure\/eventhubs-checkpointstore-blob)\/|dist\/src\/(host|cli)\/|(test|bench|demo|infra|\.github)\/|local\.settings\.json$|\.git$)/;
    expect(entries.filter((entry) => development.test(entry))).toEqual([]);
    const otherSystems = entries.filter((entry) =>
      /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/(?!linux\/x64\/)/.test(entry),
    );
    expect(otherSystems).toEqual([]);
  });

  it('resolves modules only inside itself', () => {
    for (let folder = path.dirname(appDir); folder !== path.dirname(folder); folder = path.dirname(folder))
      expect(existsSync(path.join(folder, 'node_modules'))).toBe(false);
    const resolved = require.resolve('@azure/functions', { paths: [appDir] });
    expect(resolved.startsWith(path.join(appDir, 'node_modules') + path.sep)).toBe(true);
  });

  it('runs the demo job from its own dependencies: the 442 rows scored as onnxruntime scores them', async () => {
    const [, jobId = '', status, scored, bad] = demo;
    expect({ status, scored, bad }).toEqual({ status: 'Succeeded', scored: '442', bad: '0' });
    const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
    const job = await new JobStore(storage).get(jobId);
    expect(job?.output).toMatch(new RegExp(`^${output}/`));
    const [container = '', ...blob] = (job?.output ?? '').split('/');
    const csv = await storage.container(container).getBlobClient(blob.join('/')).downloadToBuffer();
    const predictions = parseSimpleCsv(csv.toString()).rows.map((row) => Number(row[0]));
    const { expected } = diabetesReference();
    expect(predictions).toHaveLength(expected.length);
    predictions.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 3));
    expect(host?.output()).not.toMatch(/Cannot find module|MODULE_NOT_FOUND/);
  });

  it('retrains the demo model, then serves the dashboard bundled into it', async () => {
    await host!.waitForLog(/Demo: retrain run \S+ of diabetes \w+: /, 60_000);
    const [, url] = await host!.waitForLog(/Dashboard: (http:\/\/\S+) \(sign in with a function key/);
    expect(url).toBe(`${host!.baseUrl}/api/dashboard/`);
    expect(entries).toContain('dist/dashboard/index.html');
    const page = await host!.fetch('/api/dashboard/');
    expect(page.status).toBe(200);
    const script = /src="(app-\w+\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    const bundle = await host!.fetch(`/api/dashboard/${script}`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(10_000);
  });
});
