#!/usr/bin/env node
// `npm run screenshots`: the dashboard's pictures in docs/images/dashboard-*.png. Runs `durable-scoring
// start` (the demo: a job, the diabetes model, a retrain run) on an in-memory Azurite of its own, adds a model with a training baseline and two jobs of it (one with bmi shifted, a drift
// breach), then photographs the main pages in Debian's Chromium (CHROMIUM_PATH, default
// /usr/bin/chromium). Run `npm run build` first (npm run screenshots does).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '..');
const images = path.join(root, 'docs', 'images');
const cli = path.join(root, 'bin', 'durable-scoring.js');
const { findFreeAzuritePorts, startAzurite } = require(
  path.join(root, 'dist', 'src', 'host', 'azurite', 'startAzurite.js'),
);
const { azuriteConnectionString } = require(
  path.join(root, 'dist', 'src', 'host', 'storage', 'StorageConnection.js'),
);
const env = { ...process.env, 'AzureWebJobs.retrainOnSchedule.Disabled': 'true' };

/** Starts `durable-scoring start` and resolves with its base URL once the demo printed the dashboard's. */
function startHost() {
  const child = spawn(process.execPath, [cli, 'start', root, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The demo did not finish in 3 minutes:\n${output}`)),
      180_000,
    );
    const onData = (chunk) => {
      output += chunk;
      const match = /Dashboard: (http:\/\/\S+?)\/api\/dashboard\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1], output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The host exited (${code}):\n${output}`)));
  });
}

async function seed(api) {
  const { readNumericTable } = require(path.join(root, 'dist', 'src', 'training', 'readNumericTable.js'));
  const { computeBaseline } = require(path.join(root, 'dist', 'src', 'training', 'computeBaseline.js'));
  const csv = fs.readFileSync(path.join(root, 'data', 'diabetes.csv'), 'utf8');
  const table = readNumericTable(csv, 'diabetes.csv');
  const features = table.columns.filter((name) => name !== 'target');
  const card = JSON.parse(fs.readFileSync(path.join(root, 'models', 'diabetes', 'model.json'), 'utf8'));
  const onnxBase64 = fs.readFileSync(path.join(root, 'models', 'diabetes', 'model.onnx')).toString('base64');
  const versions = [
    { r2: 0.4412, rmse: 58.91 },
    { r2: 0.4897, rmse: 55.02 },
    { r2: 0.5176, rmse: 53.49 },
  ];
  for (const metrics of versions)
    await api('POST', 'models/progression/versions', {
      card: {
        ...card,
        name: 'progression',
        metrics,
        training: { data: 'data/diabetes.csv', target: 'target', baseline: computeBaseline(table, features) },
      },
      onnxBase64,
    });
  await api('POST', 'models/progression/stage', { version: 3, stage: 'Production', reason: 'best r2' });
  await api('POST', 'models/progression/stage', {
    version: 2,
    stage: 'Staging',
    reason: 'kept for comparison',
  });
  const [header, ...lines] = csv.trim().split('\n');
  const withIds = [`id,${header}`, ...lines.map((line, i) => `p${i + 1},${line}`)].join('\n') + '\n';
  const bmi = header.split(',').indexOf('bmi');
  const shifted = (by) =>
    [
      header,
      ...lines.map((line) =>
        line
          .split(',')
          .map((cell, i) => (i === bmi ? String(Number(cell) + by) : cell))
          .join(','),
      ),
    ].join('\n') + '\n';
  const jobs = [];
  for (const [name, text, passThrough] of [
    ['clinic-a.csv', withIds, ['--pass-through', 'id']],
    ['clinic-b.csv', shifted(2), []],
    ['clinic-c.csv', shifted(14), []],
  ]) {
    const args = [
      'score',
      writeTemp(name, text),
      root,
      '--model',
      'progression',
      ...passThrough,
      '--url',
      api.baseUrl,
    ];
    execFileSync(process.execPath, [cli, ...args], { env, stdio: 'ignore' });
    jobs.push(name);
  }
  // Outcomes for clinic A's first 150 rows: the model page's live metrics.
  const target = header.split(',').indexOf('target');
  const rows = lines
    .slice(0, 150)
    .map((line, i) => ({ id: `p${i + 1}`, label: Number(line.split(',')[target]) }));
  await api('POST', 'models/progression/feedback', { rows });
  return jobs;
}

function writeTemp(name, text) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shots-'));
  const file = path.join(folder, name);
  fs.writeFileSync(file, text);
  return file;
}

async function main() {
  const ports = await findFreeAzuritePorts();
  const azurite = await startAzurite({ ports });
  env.AzureWebJobsStorage = azuriteConnectionString(ports);
  const { child, baseUrl, output } = await startHost().catch(async (error) => {
    await azurite.stop();
    throw error;
  });
  try {
    const keys = JSON.parse(
      execFileSync(process.execPath, [cli, 'keys', root, '--json'], { env, encoding: 'utf8' }),
    );
    const key = keys.master;
    const api = async (method, route, body) => {
      const init = {
        method,
        headers: { 'x-functions-key': key, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      };
      // An idle kept-alive connection the host has just closed fails once: ask again on a new one.
      const response = await fetch(`${baseUrl}/api/${route}`, init).catch(() =>
        fetch(`${baseUrl}/api/${route}`, init),
      );
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    api.baseUrl = baseUrl;
    await seed(api);
    await waitFor(
      async () => (await api('GET', 'jobs?status=Queued,Running,Committing')).length === 0,
      120_000,
    );
    const jobs = await api('GET', 'jobs?top=10');
    const drifted = jobs.find((job) => job.driftStatus === 'breach') ?? jobs[0];
    const runs = await api('GET', 'models/diabetes/runs');
    await shoot(baseUrl, key, [
      ['jobs', '#/jobs'],
      ['job', `#/jobs/${drifted.jobId}`],
      ['models', '#/models'],
      ['model', '#/models/progression'],
      ['run', runs[0] ? `#/models/diabetes/runs/${runs[0].runId}` : '#/runs'],
      ['drift', '#/drift/progression'],
      ['instances', '#/instances'],
      ['instance', `#/instances/${drifted.jobId}`],
    ]);
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nThe host's output:\n${output()}`,
    );
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    await azurite.stop();
  }
}

async function waitFor(check, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('The seeded jobs did not finish in time.');
}

async function shoot(baseUrl, key, pages) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    fs.mkdirSync(images, { recursive: true });
    for (const [name, hash] of pages) {
      const page = await browser.newPage();
      await page.goto(`${baseUrl}/api/dashboard/?code=${encodeURIComponent(key)}${hash}`);
      await page.waitForSelector(`#view[data-loaded="${hash.slice(1)}"]`, { timeout: 20_000 });
      await page.waitForTimeout(300);
      const file = path.join(images, `dashboard-${name}.png`);
      await page.screenshot({ path: file, fullPage: name === 'model' });
      console.log(`Wrote ${path.relative(root, file)}`);
      await page.close();
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(
    error instanceof Error
      ? (error.stack ?? error.message) + (error.cause ? ` (${String(error.cause)})` : '')
      : String(error),
  );
  process.exitCode = 1;
});
