#!/usr/bin/env node
// Durable backend benchmark: fan-out/fan-in of 1,000 no-op activities and 100 sequential activities,
// through the real host (child process) on an in-memory Azurite. Prints medians next to the Azure
// Storage provider's published throughput targets, and the ratio between them.
'use strict';
const path = require('node:path');
const { startBenchHost } = require('./startBenchHost');
const root = path.resolve(__dirname, '..', '..');
const { startAzurite, findFreeAzuritePorts } = require(
  path.join(root, 'dist/src/host/azurite/startAzurite.js'),
);
const { azuriteConnectionString, StorageConnection } = require(
  path.join(root, 'dist/src/host/storage/StorageConnection.js'),
);
const { TaskHub } = require(path.join(root, 'dist/src/host/durable/taskHub/TaskHub.js'));
const { TaskHubClient } = require(path.join(root, 'dist/src/host/durable/TaskHubClient.js'));

const runs = Number(process.env.BENCH_RUNS ?? 5);
const cases = [
  {
    name: 'fan-out/fan-in, 1,000 no-op activities',
    orchestrator: 'fanOutFanIn',
    input: 1000,
    goalMs: 4000,
    anchorPerSecond: 100,
  },
  {
    name: '100 sequential activities, one instance',
    orchestrator: 'sequential',
    input: 100,
    goalMs: 2000,
    anchorPerSecond: 5,
  },
];

async function main() {
  const ports = await findFreeAzuritePorts();
  const azurite = await startAzurite({ ports });
  const connectionString = azuriteConnectionString(ports);
  const hub = 'Bench' + Date.now().toString(36);
  const host = await startBenchHost(connectionString, hub);
  try {
    const client = new TaskHubClient(
      new TaskHub(new StorageConnection(connectionString), hub, 4),
      () => true,
    );
    console.log(
      `durable benchmark: ${runs} runs per case (after one warm-up), medians; machine: ${require('node:os').cpus().length} cores`,
    );
    for (const bench of cases) {
      await timeOne(client, bench); // warm-up
      const times = [];
      for (let i = 0; i < runs; i++) times.push(await timeOne(client, bench));
      const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
      const anchorMs = (bench.input / bench.anchorPerSecond) * 1000;
      console.log(
        `${bench.name}: median ${(median / 1000).toFixed(2)} s (${Math.round(bench.input / (median / 1000))} activities/s; ` +
          `runs ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s) | goal <= ${bench.goalMs / 1000} s: ${median <= bench.goalMs ? 'met' : 'NOT met'} | ` +
          `anchor: Azure Storage provider target ${bench.anchorPerSecond}/s = ${(anchorMs / 1000).toFixed(0)} s, ratio ${(anchorMs / median).toFixed(1)}x faster`,
      );
    }
  } finally {
    host.kill('SIGINT');
    await new Promise((resolve) => host.once('exit', resolve));
    await azurite.stop();
  }
}

async function timeOne(client, bench) {
  const started = performance.now();
  const id = await client.startNew(bench.orchestrator, { input: JSON.stringify(bench.input) });
  for (;;) {
    const status = await client.getStatus(id);
    if (status.runtimeStatus === 'Completed') {
      if (JSON.parse(status.output) !== bench.input) throw new Error(`Wrong output ${status.output}`);
      return performance.now() - started;
    }
    if (['Failed', 'Terminated'].includes(status.runtimeStatus))
      throw new Error(`${id} ${status.runtimeStatus}: ${status.output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
