// Runs Microsoft's Event Hubs JavaScript samples, unmodified, against `durable-scoring eventhubs`, and
// prints one row per sample: exit code, seconds, events sent, received and checkpointed, and the first
// error line. The samples are not part of this repository: get them from github.com/Azure/azure-sdk-for-js
// (see docs/event-hubs-local.md, "Microsoft's samples") and pass their folder.
//
//   npm run build
//   node scripts/runEventHubsSamples.mjs <samples folder> [--only a,b] [--timeout 120]
//                                        [--feed <sample>|none] [--feed-after 20] [--markdown]
//
// The endpoint runs on a scratch app folder with its own Azurite, all on free ports, so it collides with
// no host or emulator already running. Each sample gets the settings it reads from the environment:
// the endpoint's connection string, the hub, `$Default`, and Azurite's account for the checkpoint store.
// The senders run first. A receiver that uses a checkpoint store starts at the latest event when it has
// no checkpoint yet, as on Azure, so while each receiver runs, a sender sample runs again ("feed") to
// give it new events.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hub = 'samples';
const consumerGroup = '$Default';
const checkpointContainer = 'eventhub-samples-checkpoints';
// Azurite's well-known development account; it is public.
const storageAccount = 'devstoreaccount1';
const storageKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const usage =
  'usage: node scripts/runEventHubsSamples.mjs <samples folder> [--only a,b] [--timeout <s>]\n' +
  '         [--feed <sample>|none] [--feed-after <s>] [--markdown]   (or set EVENTHUB_SAMPLES_DIR)';

function parseArguments(argv) {
  const options = {
    folder: process.env.EVENTHUB_SAMPLES_DIR,
    only: undefined,
    timeoutS: 120,
    feed: undefined,
    feedAfterS: 20,
    markdown: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--only') options.only = new Set(argv[++i]?.split(',') ?? []);
    else if (argument === '--timeout') options.timeoutS = Number(argv[++i]);
    else if (argument === '--feed') options.feed = argv[++i];
    else if (argument === '--feed-after') options.feedAfterS = Number(argv[++i]);
    else if (argument === '--markdown') options.markdown = true;
    else if (argument.startsWith('--')) throw new Error(`Unknown option ${argument}.\n${usage}`);
    else options.folder = argument;
  }
  if (!options.folder) throw new Error(`Name the folder that holds the samples.\n${usage}`);
  for (const [name, value] of [
    ['--timeout', options.timeoutS],
    ['--feed-after', options.feedAfterS],
  ]) {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${name} must be a number of seconds.\n${usage}`);
  }
  return { ...options, folder: path.resolve(options.folder) };
}

/**
 * The samples under a folder: .js files that call their own main(). Files without one (such as the
 * checkpoint store's createCustomPipeline.js) are modules the samples require. Senders run first so
 * that the receivers have events to read.
 */
function findSamples(folder) {
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => !file.split(path.sep).includes('node_modules'))
    .filter((file) => /^main\(\)/m.test(readFileSync(file, 'utf8')));
  const rank = (file) => (path.basename(file).startsWith('send') ? 0 : 1);
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A function app folder with nothing in it but settings: the command needs one for its storage. */
function scratchApp(azuritePorts) {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'eventhub-samples-'));
  writeFileSync(path.join(directory, 'host.json'), JSON.stringify({ version: '2.0' }));
  writeFileSync(path.join(directory, 'index.js'), '');
  const values = {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    FUNCTIONS_WORKER_RUNTIME: 'node',
    DurableScoring__AzuritePorts: azuritePorts.join(','),
  };
  writeFileSync(path.join(directory, 'local.settings.json'), JSON.stringify({ Values: values }, null, 2));
  return directory;
}

/** Starts `durable-scoring eventhubs` and resolves with its connection string once it listens. */
function startEndpoint(appDir, port) {
  const cli = path.join(repoRoot, 'bin', 'durable-scoring.js');
  const args = [cli, 'eventhubs', appDir, '--hub', hub, '--port', String(port), '--partitions', '4'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let listening = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('The endpoint did not start within 60 s.')), 60_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${error.message}\n${output}`));
    };
    const onOutput = (chunk) => {
      output += chunk;
      const match = listening ? null : /Connection string: (\S+)/.exec(output);
      if (!match) return;
      listening = true;
      clearTimeout(timer);
      resolve({ child, connectionString: match[1], output: () => output });
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('exit', (code) => {
      if (!listening) fail(new Error(`The endpoint exited with ${code} before it listened.`));
    });
  });
}

function stopEndpoint(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** Every setting the samples read, under each name they use across sample generations. */
function sampleEnvironment({ connectionString, endpointPort, blobPort }) {
  // The v5 buffered producer and the IoT Hub sample name no hub: the connection string has to.
  const withEntity = `${connectionString};EntityPath=${hub}`;
  const blobEndpoint = `http://127.0.0.1:${blobPort}/${storageAccount}`;
  // The caller's modules (dotenv, ws, ...) first, so that they may also override the SDK's version.
  const nodePath = [process.env.NODE_PATH, path.join(repoRoot, 'node_modules')].filter(Boolean);
  return {
    ...process.env,
    NODE_PATH: nodePath.join(path.delimiter),
    EVENTHUB_CONNECTION_STRING: withEntity,
    EVENT_HUB_CONNECTION_STRING: withEntity,
    IOTHUB_EH_COMPATIBLE_CONNECTION_STRING: withEntity,
    EVENTHUB_NAME: hub,
    EVENT_HUB_NAME: hub,
    CONSUMER_GROUP_NAME: consumerGroup,
    EVENTHUB_CONSUMER_GROUP_NAME: consumerGroup,
    EVENT_HUB_CONSUMER_GROUP: consumerGroup,
    // Read by the Microsoft Entra ID samples, which cannot sign in here.
    EVENTHUB_FQDN: `127.0.0.1:${endpointPort}`,
    STORAGE_CONNECTION_STRING: [
      'DefaultEndpointsProtocol=http',
      `AccountName=${storageAccount}`,
      `AccountKey=${storageKey}`,
      `BlobEndpoint=${blobEndpoint}`,
    ].join(';'),
    STORAGE_CONTAINER_NAME: checkpointContainer,
    STORAGE_CONTAINER_URL: `${blobEndpoint}/${checkpointContainer}`,
    STORAGE_ACCOUNT_NAME: storageAccount,
    STORAGE_ACCOUNT_KEY: storageKey,
    STORAGE_ENDPOINT: blobEndpoint,
  };
}

const errorLine = /error|fail|exception|cannot|refused|unauthori[sz]ed/i;

/** Runs one sample in its own folder (where it would look for a .env) and sums up its output. */
function runSample(file, environment, timeoutS, logFile) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [file], {
    cwd: path.dirname(file),
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutS * 1000);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      writeFileSync(logFile, output);
      const lines = output.split('\n').map((line) => line.trim());
      resolve({
        exit: timedOut ? `timeout ${timeoutS}s` : (code ?? signal),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        sent: /Sent (\d+) events/.exec(output)?.[1] ?? (/Added eventsToSend/.test(output) ? 'yes' : ''),
        received: lines.filter((line) => line.startsWith('Received event:')).length,
        checkpoints: lines.filter((line) => line.startsWith('Successfully checkpointed')).length,
        firstError: lines.find((line) => errorLine.test(line)) ?? '',
      });
    });
  });
}

const isReceiver = (file) => path.basename(file).startsWith('receive');
const succeeded = (row) => row.exit === 0 && row.sent !== '' && row.firstError === '';

/** The sender that feeds the receivers: the one named, else a buffered or plain sender that worked. */
function pickFeed(option, folder, rows) {
  if (option === 'none') return undefined;
  if (option !== undefined) return path.resolve(folder, option);
  const preference = ['sendBufferedEvents.js', 'sendEvents.js'];
  const candidates = rows.filter(succeeded).map((row) => row.file);
  for (const name of preference) {
    const file = candidates.find((candidate) => path.basename(candidate) === name);
    if (file) return file;
  }
  return undefined;
}

function printTable(rows, markdown) {
  const header = ['sample', 'exit', 'seconds', 'sent', 'fed', 'received', 'checkpoints', 'first error line'];
  const cells = rows.map((row) => [
    row.sample,
    String(row.exit),
    row.seconds.toFixed(1),
    row.sent,
    row.fed ?? '',
    String(row.received),
    String(row.checkpoints),
    row.firstError.length > 160 ? `${row.firstError.slice(0, 157)}...` : row.firstError,
  ]);
  if (markdown) {
    const escape = (cell) => cell.replaceAll('|', '\\|');
    console.log(`| ${header.join(' | ')} |`);
    console.log(`| ${header.map(() => '---').join(' | ')} |`);
    for (const row of cells) console.log(`| ${row.map(escape).join(' | ')} |`);
    return;
  }
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const format = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(format(header));
  for (const row of cells) console.log(format(row));
}

async function runAll(samples, options, environment, logFolder) {
  const logFile = (file, prefix = '') =>
    path.join(logFolder, `${prefix}${path.relative(options.folder, file).replaceAll(path.sep, '-')}.log`);
  const rows = [];
  for (const file of samples) {
    const sample = path.relative(options.folder, file);
    const feed = isReceiver(file) ? pickFeed(options.feed, options.folder, rows) : undefined;
    process.stdout.write(`${sample}${feed ? ` (fed by ${path.relative(options.folder, feed)})` : ''} ... `);
    const fed = feed
      ? delay(options.feedAfterS * 1000).then(() =>
          runSample(feed, environment, options.timeoutS, logFile(file, 'feed-for-')),
        )
      : undefined;
    const result = await runSample(file, environment, options.timeoutS, logFile(file));
    const feedResult = await fed;
    console.log(`exit ${result.exit} in ${result.seconds.toFixed(1)} s`);
    rows.push({ sample, file, ...result, fed: feedResult && (succeeded(feedResult) ? 'yes' : 'failed') });
  }
  return rows;
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const options = parseArguments(process.argv.slice(2));
  let samples = findSamples(options.folder);
  if (options.only) samples = samples.filter((file) => options.only.has(path.basename(file, '.js')));
  if (samples.length === 0) throw new Error(`No samples (.js files that call main()) in ${options.folder}.`);

  const [blob, queue, table, endpointPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const appDir = scratchApp([blob, queue, table]);
  const logFolder = mkdtempSync(path.join(os.tmpdir(), 'eventhub-samples-logs-'));
  console.log(`Starting the endpoint on 127.0.0.1:${endpointPort} (Azurite blob port ${blob})...`);
  let rows;
  try {
    const endpoint = await startEndpoint(appDir, endpointPort);
    try {
      const environment = sampleEnvironment({
        connectionString: endpoint.connectionString,
        endpointPort,
        blobPort: blob,
      });
      rows = await runAll(samples, options, environment, logFolder);
    } finally {
      await stopEndpoint(endpoint.child);
      writeFileSync(path.join(logFolder, 'endpoint.log'), endpoint.output());
    }
  } finally {
    rmSync(appDir, { recursive: true, force: true });
  }
  console.log('');
  printTable(rows, options.markdown);
  console.log(`\nEach sample's output, and the endpoint's: ${logFolder}`);
  const missing = new Set(
    rows.flatMap((row) => /Cannot find module '([^']+)'/.exec(row.firstError)?.[1] ?? []),
  );
  if (missing.size > 0) {
    console.log(
      `The samples need ${[...missing].join(', ')}: npm install them in a folder outside this repository and put its node_modules in NODE_PATH.`,
    );
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
