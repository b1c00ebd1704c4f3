#!/usr/bin/env node
// Host start-up benchmark: time from spawning `durable-scoring host` to its "Host ready" line, for this
// project (with its embedded Azurite on .azurite/) and for the HTTP fixture app on an already running
// Azurite. Medians of several runs, next to the goal of 5 s after the first build.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const { startAzurite, findFreeAzuritePorts } = require(
  path.join(root, 'dist/src/host/azurite/startAzurite.js'),
);
const { azuriteConnectionString } = require(path.join(root, 'dist/src/host/storage/StorageConnection.js'));

const runs = Number(process.env.BENCH_RUNS ?? 5);
const goalMs = 5000;

function timeStart(appDir, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [path.join(root, 'bin/durable-scoring.js'), 'host', appDir, '--port', '0'],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let elapsed;
    const onData = (chunk) => {
      output += chunk;
      if (elapsed === undefined && output.includes('Host ready at')) {
        elapsed = performance.now() - started;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      elapsed !== undefined
        ? resolve(elapsed)
        : reject(new Error(`host exited (${code}) before ready:\n${output}`)),
    );
  });
}

async function measure(label, appDir, env) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await timeStart(appDir, env));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${label}: median ${(median / 1000).toFixed(2)} s (runs ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s) | goal <= ${goalMs / 1000} s: ${median <= goalMs ? 'met' : 'NOT met'} (${(goalMs / median).toFixed(1)}x under)`,
  );
}

async function main() {
  console.log(`host start-up benchmark: ${runs} runs each, medians`);
  await measure('this project (npm start path: embedded Azurite + app)', root, {});
  const ports = await findFreeAzuritePorts();
  const azurite = await startAzurite({ ports });
  try {
    await measure('HTTP fixture app on a running Azurite', path.join(root, 'test/fixtures/apps/http-app'), {
      AzureWebJobsStorage: azuriteConnectionString(ports),
    });
  } finally {
    await azurite.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
