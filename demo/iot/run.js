#!/usr/bin/env node
// The IoT demo in one command (npm run demo:iot): starts this app on the embedded host with the demo's
// window stream (demo/iot/streams), replays simulated readings into its hub in real time with
// `durable-scoring streams send`, and prints each 10 s window as it is committed: devices, events, the
// model version and the devices most worn. Settings: DEMO_DEVICES (100), DEMO_SECONDS (60).
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { findFreePort } = require(path.join(root, 'dist/src/host/azurite/startAzurite.js'));
const { JobsApiClient } = require(path.join(root, 'dist/src/cli/JobsApiClient.js'));
const { StorageClients } = require(path.join(root, 'dist/src/storage/StorageClients.js'));
const { sensorReadings } = require('./sensorReadings');
const definition = require('./streams/sensors.json');

const devices = Number(process.env.DEMO_DEVICES ?? 100);
const seconds = Number(process.env.DEMO_SECONDS ?? 60);
const cli = path.join(root, 'bin/durable-scoring.js');

async function main() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'iot-demo-'));
  const amqpPort = await findFreePort();
  const connection = `Endpoint=sb://127.0.0.1:${amqpPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`;
  const env = {
    ...process.env,
    STREAMS_DIRECTORY: path.join(__dirname, 'streams'),
    EventHubConnection: connection,
    DurableScoring__EventHubs__Port: String(amqpPort),
  };
  const hostLog = path.join(scratch, 'host.log');
  const host = await startHost(env, hostLog);
  console.log(
    `IoT demo: host at ${host.baseUrl} (log: ${hostLog}); ${devices} devices, ${seconds} s of readings.`,
  );
  try {
    const startMs = Date.now();
    const file = path.join(scratch, 'readings.jsonl');
    const readings = [
      ...sensorReadings({
        devices,
        startMs,
        durationMs: seconds * 1000,
        seed: startMs % 1000,
        wearRate: 0.01,
      }),
    ];
    writeFileSync(file, readings.map((reading) => JSON.stringify(reading)).join('\n'));
    const api = await JobsApiClient.open(root, host.baseUrl);
    const storage = new StorageClients(api.config.dataStorage);
    const printer = printWindows(api, storage, startMs);
    // One reading per device a second: the file plays in real time, so windows close as it goes.
    const lastWindow = Math.ceil((startMs + seconds * 1000) / 10_000) * 10_000;
    const send = run(
      cli,
      [
        'streams',
        'send',
        file,
        root,
        '--hub',
        definition.source.hub,
        '--rate',
        String(devices),
        '--partition-key-field',
        'deviceId',
      ],
      env,
    );
    await Promise.all([send, printer.until(lastWindow)]);
  } finally {
    host.child.kill('SIGINT');
  }
}

/** Polls the stream's windows and prints each one once, as it is committed (or fails). */
function printWindows(api, storage, fromMs) {
  const printed = new Set();
  const poll = async () => {
    const { windows } = await api.call('GET', `streams/${definition.name}/windows?from=${fromMs - 10_000}`);
    for (const window of windows) {
      if (printed.has(window.windowStart) || (window.state !== 'Committed' && window.state !== 'Failed'))
        continue;
      printed.add(window.windowStart);
      console.log(await describe(window, storage));
    }
    return windows;
  };
  return {
    /** Resolves once the window starting at or after `lastStartMs - 10 s` is printed, or after two minutes. */
    async until(lastStartMs) {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const windows = await poll().catch((error) => (console.error(error.message), []));
        const last = windows.find((w) => Date.parse(w.windowStart) >= lastStartMs - 10_000);
        if ((last && printed.has(last.windowStart)) || Date.now() > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
  };
}

async function describe(window, storage) {
  const time = (iso) => iso.slice(11, 19);
  const head = `window ${time(window.windowStart)}-${time(window.windowEnd)} ${window.state}`;
  if (window.state === 'Failed') return `${head}: ${window.reason}`;
  const worst = await mostWorn(window, storage).catch(() => []);
  return (
    `${head} ${window.closeToCommitMs ?? '?'} ms after its close: ${window.keys} devices, ${window.eventsIn} events ` +
    `(${window.lateEvents ?? 0} late), ${window.model}@${window.modelVersion}, ${window.alertRows ?? 0} alerts` +
    (worst.length > 0
      ? `; most worn: ${worst.map((r) => `${r.deviceId} ${r.variable.toFixed(2)}`).join(', ')}`
      : '')
  );
}

/** The three highest scores of the window's output rows. */
async function mostWorn(window, storage) {
  const [container, ...blob] = window.output.split('/');
  const text = (
    await storage.container(container).getBlobClient(blob.join('/')).downloadToBuffer()
  ).toString();
  const rows = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return rows.sort((a, b) => b.variable - a.variable).slice(0, 3);
}

function startHost(env, logFile) {
  const { createWriteStream } = require('node:fs');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [cli, 'host', root, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const ready = /Host ready at (http:\/\/\S+)/.exec(output);
      if (ready) resolve({ child, baseUrl: ready[1] });
    });
    child.once('exit', (code) => reject(new Error(`The host exited (${code}); see ${logFile}.`)));
  });
}

/** Runs the CLI; its progress bar is left out (window lines are the demo's output), its errors are not. */
function run(command, args, env) {
  const child = spawn(process.execPath, [command, ...args], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`streams send exited with ${code}: ${errors}`)),
    ),
  );
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
