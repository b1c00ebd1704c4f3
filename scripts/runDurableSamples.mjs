// Runs Microsoft's Durable Functions samples for the v4 Node model, unmodified, on the embedded host,
// and prints one row per sample scenario: result, seconds and what was checked or why it stopped.
// The samples are not part of this repository: get them from github.com/Azure/azure-functions-durable-js
// (`samples-js`, `samples-ts` after `npm run build`, or `test/test-app`), run `npm install` there, and
// pass the app folder (see docs/embedded-host.md, "Microsoft's Durable samples").
//
//   npm run build
//   node scripts/runDurableSamples.mjs <app folder> [--only a,b] [--markdown]
//
// The host runs on free ports with its own Azurite (data in <app folder>/.azurite/) and a task hub of its
// own for each run, so runs start from empty state and collide with nothing else. The host gets the
// settings the samples read: AzureWebJobsStorage and StorageConnString (the backup sample's blob output)
// point at that Azurite. The weather monitor calls api.openweathermap.org through axios; here axios is
// sent through a local proxy (HTTPS_PROXY) that stands in for the service, answering "light rain" twice
// and then "clear sky". Scenarios run side by side; the longest, continueAsNewCounter, takes 5 minutes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { DurableDriver } from './DurableDriver.mjs';
import { durableSampleScenarios } from './durableSampleScenarios.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repoRoot, 'bin', 'durable-scoring.js');
// Built by `npm run build`: ports taken together (never one twice) and Azurite's connection string.
const require = createRequire(import.meta.url);
const { findFreePorts } = require(path.join(repoRoot, 'dist/src/host/azurite/startAzurite.js'));
const { azuriteConnectionString } = require(
  path.join(repoRoot, 'dist/src/host/storage/StorageConnection.js'),
);
const usage = 'usage: node scripts/runDurableSamples.mjs <app folder> [--only a,b] [--markdown]';

function parseArguments(argv) {
  const options = { folder: undefined, only: undefined, markdown: false };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--only') options.only = new Set(argv[++i]?.split(',') ?? []);
    else if (argument === '--markdown') options.markdown = true;
    else if (argument.startsWith('--')) throw new Error(`Unknown option ${argument}.\n${usage}`);
    else options.folder = argument;
  }
  if (!options.folder) throw new Error(`Name the samples' function app folder.\n${usage}`);
  const folder = path.resolve(options.folder);
  if (!existsSync(path.join(folder, 'host.json')))
    throw new Error(`${folder} has no host.json: pass a function app folder (samples-js, samples-ts, ...).`);
  if (!existsSync(path.join(folder, 'node_modules', 'durable-functions')))
    throw new Error(`${folder} has no node_modules/durable-functions: run npm install there first.`);
  return { ...options, folder };
}

/** A certificate for api.openweathermap.org that the host is told to trust (NODE_EXTRA_CA_CERTS). */
function standInCertificate(folder) {
  const [key, cert] = [path.join(folder, 'weather.key'), path.join(folder, 'weather.crt')];
  const subject = [
    '-subj',
    '/CN=api.openweathermap.org',
    '-addext',
    'subjectAltName=DNS:api.openweathermap.org',
  ];
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', key, '-out', cert];
  execFileSync('openssl', [...args, ...subject], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert), certFile: cert };
}

/**
 * A proxy that answers OpenWeatherMap's current-weather call, rain for the first two calls per city.
 * Older axios sends an https request to an http proxy in plain text; newer axios tunnels (CONNECT),
 * and the tunnel is answered with the stand-in's own certificate.
 */
async function startWeatherStandIn(folder) {
  const calls = new Map();
  const answer = (request, response) => {
    const url = new URL(request.url, `https://${request.headers.host}`);
    const city = (url.searchParams.get('q') ?? '').split(',')[0];
    if (url.hostname !== 'api.openweathermap.org' || !url.pathname.endsWith('/weather')) {
      response.writeHead(502).end(`The stand-in only answers OpenWeatherMap, not ${request.url}`);
      return;
    }
    calls.set(city, (calls.get(city) ?? 0) + 1);
    const description = calls.get(city) <= 2 ? 'light rain' : 'clear sky';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ name: city, weather: [{ main: description, description }] }));
  };
  const certificate = standInCertificate(folder);
  const tls = createHttpsServer({ key: certificate.key, cert: certificate.cert }, answer);
  const server = createHttpServer(answer);
  server.on('connect', (request, socket) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    tls.emit('connection', socket);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    certFile: certificate.certFile,
    calls: (city) => calls.get(city) ?? 0,
    close: () => server.close(),
  };
}

/** Starts `durable-scoring host` and resolves once it is ready, with the functions it lists. */
function startHost(appDir, port, environment) {
  const child = spawn(process.execPath, [cli, 'host', appDir, '--port', String(port)], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ready = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('The host was not ready within 90 s.')), 90_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${error.message}\n${output}`));
    };
    const onOutput = (chunk) => {
      output += chunk;
      if (ready || !/Host ready at (\S+)/.test(output)) return;
      ready = true;
      clearTimeout(timer);
      const functions = new Set([...output.matchAll(/^ {2}(\w+): /gm)].map((match) => match[1]));
      resolve({ child, baseUrl: /Host ready at (\S+)/.exec(output)[1], functions, output: () => output });
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('exit', (code) => {
      if (!ready) fail(new Error(`The host exited with ${code} before it was ready.`));
    });
  });
}

function stopHost(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // A graceful stop waits for running invocations; a second signal stops the host at once.
    const again = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.once('exit', () => resolve(clearTimeout(again)));
    child.kill('SIGTERM');
  });
}

/** The durable extension's system key, as `durable-scoring keys` prints it. */
function systemKey(appDir, environment) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'keys', appDir], { env: environment });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.once('exit', () => {
      const key = /system key "durabletask_extension": (\S+)/.exec(output)?.[1];
      if (key) resolve(key);
      else reject(new Error(`No durabletask_extension key in:\n${output}`));
    });
  });
}

function hostEnvironment({ azurite, weather, hub }) {
  const storage = 'UseDevelopmentStorage=true';
  return {
    ...process.env,
    AzureWebJobsStorage: storage,
    StorageConnString: storage,
    FUNCTIONS_WORKER_RUNTIME: 'node',
    DurableScoring__AzuritePorts: azurite.join(','),
    AzureFunctionsJobHost__extensions__durableTask__hubName: hub,
    OpenWeatherMapApiKey: 'stand-in',
    HTTPS_PROXY: weather.url,
    https_proxy: weather.url,
    NODE_EXTRA_CA_CERTS: weather.certFile,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

function blobReader([blob, queue, table]) {
  const client = BlobServiceClient.fromConnectionString(azuriteConnectionString({ blob, queue, table }));
  return async (container, name) => {
    try {
      return (await client.getContainerClient(container).getBlobClient(name).downloadToBuffer()).toString();
    } catch (error) {
      return `(${error.statusCode ?? error.message})`;
    }
  };
}

async function runScenario(scenario, driver) {
  const started = process.hrtime.bigint();
  let outcome;
  try {
    outcome = await scenario.run(driver, { timeoutS: scenario.timeoutS });
  } catch (error) {
    outcome = { result: 'fail', detail: error instanceof Error ? error.message : String(error) };
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${scenario.name}: ${outcome.result} in ${seconds.toFixed(1)} s`);
  return { ...scenario, ...outcome, seconds };
}

function printTable(rows, markdown) {
  const header = ['sample', 'orchestration / entity', 'pattern', 'result', 'seconds', 'checked'];
  const cells = rows.map((row) => [
    row.sample,
    row.name,
    row.pattern,
    row.result,
    row.seconds.toFixed(1),
    row.detail.replaceAll('\n', ' '),
  ]);
  if (markdown) {
    const escape = (cell) => cell.replaceAll('|', '\\|');
    console.log(`| ${header.join(' | ')} |`);
    console.log(`| ${header.map(() => '---').join(' | ')} |`);
    for (const row of cells) console.log(`| ${row.map(escape).join(' | ')} |`);
    return;
  }
  for (const row of cells) console.log(row.map((cell, i) => `${header[i]}: ${cell}`).join('\n  '));
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const [port, blob, queue, table] = await findFreePorts(4);
  const logFolder = mkdtempSync(path.join(os.tmpdir(), 'durable-samples-logs-'));
  const weather = await startWeatherStandIn(logFolder);
  const hub = `Samples${Date.now().toString(36)}`;
  const environment = hostEnvironment({ azurite: [blob, queue, table], weather, hub });
  console.log(`Starting the host for ${options.folder} on port ${port} (task hub ${hub})...`);
  let rows;
  const host = await startHost(options.folder, port, environment);
  try {
    const driver = new DurableDriver(host.baseUrl, await systemKey(options.folder, environment));
    const scenarios = durableSampleScenarios({ readBlob: blobReader([blob, queue, table]), weather })
      .filter((scenario) => scenario.functions.every((name) => host.functions.has(name)))
      .filter((scenario) => !options.only || options.only.has(scenario.name));
    if (scenarios.length === 0) throw new Error(`No sample this script knows is in ${options.folder}.`);
    rows = await Promise.all(scenarios.map((scenario) => runScenario(scenario, driver)));
  } finally {
    await stopHost(host.child);
    weather.close();
    writeFileSync(path.join(logFolder, 'host.log'), host.output());
  }
  console.log('');
  printTable(rows, options.markdown);
  console.log(`\nThe host's output: ${path.join(logFolder, 'host.log')}`);
  if (rows.some((row) => row.result === 'fail')) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
