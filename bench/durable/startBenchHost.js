// Starts `durable-scoring host` on the Durable benches' app (bench/durable/app) with the given storage
// and task hub; resolves with the child process once the host is ready. BENCH_HOST_NODE_ARGS passes node
// flags (e.g. --cpu-prof) to the host alone.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function startBenchHost(connectionString, hub) {
  const nodeArgs = process.env.BENCH_HOST_NODE_ARGS ? process.env.BENCH_HOST_NODE_ARGS.split(' ') : [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(root, 'bin/durable-scoring.js'),
      'host',
      path.join(__dirname, 'app'),
      '--port',
      '0',
    ],
    {
      env: { ...process.env, AzureWebJobsStorage: connectionString, BENCH_HUB: hub },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Host ready at')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`host exited (${code}): ${output}`)));
  });
}

module.exports = { startBenchHost };
