#!/usr/bin/env node
// Event Hubs over AMQP on the embedded host, driven by the unmodified @azure/event-hubs producer:
//  1. sustained ingest of 1 KB events in full (1 MiB) batches, four partitions sent to at once, into the
//     host's durable log; next to the same endpoint over a log that stores nothing (the AMQP + SDK
//     ceiling on this machine), measured in the same run;
//  2. producer → Event Hub trigger latency (p50/p99) at a steady rate.
// The published Event Hubs Standard throughput unit (1 MB/s or 1,000 events/s ingress) is printed as
// recorded, not measured. Settings: BENCH_RUNS (3), BENCH_SECONDS (10), BENCH_RATE (5000 events/s),
// BENCH_AZURITE=disk for an on-disk Azurite (default in memory).
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, existsSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { EventHubProducerClient } = require('@azure/event-hubs');
const { startAzurite, findFreePort, findFreeAzuritePorts } = require(
  path.join(root, 'dist/src/host/azurite/startAzurite.js'),
);
const { azuriteConnectionString } = require(path.join(root, 'dist/src/host/storage/StorageConnection.js'));

const runs = Number(process.env.BENCH_RUNS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rate = Number(process.env.BENCH_RATE ?? 5000);
const eventBytes = 1000;
const partitions = ['0', '1', '2', '3'];
const body = 'x'.repeat(eventBytes - 2); // JSON-encoded by the SDK: 1,000 bytes with its quotes

async function main() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'eventhubs-bench-'));
  const ports = await findFreeAzuritePorts();
  const onDisk = process.env.BENCH_AZURITE === 'disk';
  const azurite = await startAzurite({
    ports,
    ...(onDisk ? { location: path.join(scratch, 'azurite') } : {}),
  });
  const amqpPort = await findFreePort();
  const connection = `Endpoint=sb://127.0.0.1:${amqpPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`;
  const ingestHub = `ingest${Date.now().toString(36)}`;
  const latencyHub = `latency${Date.now().toString(36)}`;
  const latencyFile = path.join(scratch, 'latency.txt');
  const host = await startChild(
    [path.join(root, 'bin/durable-scoring.js'), 'host', path.join(__dirname, 'app'), '--port', '0'],
    {
      AzureWebJobsStorage: azuriteConnectionString(ports),
      DurableScoring__EventHubs__Port: String(amqpPort),
      DurableScoring__EventHubs__Hubs: ingestHub,
      BenchEventHubs: connection,
      BENCH_HUB: latencyHub,
      BENCH_LATENCY_FILE: latencyFile,
    },
    /Host ready at/,
  );
  const sink = await startChild([path.join(__dirname, 'nullSink.js'), ingestHub], {}, /PORT (\d+)/);
  const sinkConnection = connection.replace(`:${amqpPort};`, `:${sink.match[1]};`);
  try {
    console.log(
      `Event Hubs bench: ${runs} runs of ${seconds} s, 1 KB events, Azurite ${onDisk ? 'on disk' : 'in memory'}, ${os.cpus().length} cores`,
    );
    const ours = [];
    const reference = [];
    for (let run = 0; run < runs; run++) {
      ours.push(await ingest(connection, ingestHub));
      reference.push(await ingest(sinkConnection, ingestHub));
    }
    const oursMedian = median(ours);
    const referenceMedian = median(reference);
    console.log(
      `ingest into the durable log: median ${fmt(oursMedian)} events/s, ${((oursMedian * eventBytes) / 1e6).toFixed(1)} MB/s ` +
        `(runs ${ours.map(fmt).join(', ')}) | goal >= 20,000 events/s: ${oursMedian >= 20_000 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `reference, same endpoint over a log that stores nothing: median ${fmt(referenceMedian)} events/s ` +
        `(runs ${reference.map(fmt).join(', ')}); the durable log reaches ${((oursMedian / referenceMedian) * 100).toFixed(0)}% of it`,
    );
    console.log(
      `recorded, not measured here: one Event Hubs Standard throughput unit = 1 MB/s or 1,000 events/s ingress; ` +
        `this is ${(oursMedian / 1000).toFixed(1)} units' worth of events`,
    );
    const latency = await steadyLatency(connection, latencyHub, latencyFile);
    console.log(
      `producer → trigger at ${fmt(rate)} events/s for ${seconds} s: ${fmt(latency.count)} of ${fmt(latency.sent)} events seen, ` +
        `p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms | goal p99 <= 500 ms: ${latency.p99 <= 500 ? 'met' : 'NOT met'}`,
    );
  } finally {
    sink.child.kill('SIGINT');
    host.child.kill('SIGINT');
    await Promise.all([exited(sink.child), exited(host.child)]);
    await azurite.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Events/s the producer gets acknowledged, four partitions at once, full batches, for `seconds`. */
async function ingest(connection, hub) {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    await producer.getPartitionIds(); // connection and token before the clock starts
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    const counts = await Promise.all(
      partitions.map(async (partitionId) => {
        let sent = 0;
        while (performance.now() < deadline) {
          const batch = await producer.createBatch({ partitionId });
          while (batch.tryAdd({ body })) {
            // fill the batch
          }
          await producer.sendBatch(batch);
          sent += batch.count;
        }
        return sent;
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return counts.reduce((a, b) => a + b, 0) / elapsed;
  } finally {
    await producer.close();
  }
}

/** Sends at `rate` events/s (a batch every 20 ms, partitions in turn), then reads the function's latencies. */
async function steadyLatency(connection, hub, latencyFile) {
  const producer = new EventHubProducerClient(connection, hub);
  const tickMs = 20;
  const perTick = Math.round((rate * tickMs) / 1000);
  let sent = 0;
  try {
    await producer.getPartitionIds();
    const started = performance.now();
    const inFlight = new Set();
    for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
      const due = started + tick * tickMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sentAt = Date.now();
      const events = Array.from({ length: perTick }, () => ({ body, properties: { sentAt } }));
      const send = producer.sendBatch(events, { partitionId: partitions[tick % partitions.length] });
      inFlight.add(send);
      send.finally(() => inFlight.delete(send));
      sent += perTick;
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
  const deadline = Date.now() + 30_000;
  let values = [];
  while (Date.now() < deadline) {
    values = existsSync(latencyFile)
      ? readFileSync(latencyFile, 'utf8').split('\n').filter(Boolean).map(Number)
      : [];
    if (values.length >= sent) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  values.sort((a, b) => a - b);
  const at = (q) => values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;
  return { sent, count: values.length, p50: at(0.5), p99: at(0.99), max: values[values.length - 1] ?? NaN };
}

function startChild(args, env, ready) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(ready);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}): ${output}`)));
  });
}

function exited(child) {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fmt(value) {
  return Math.round(value).toLocaleString('en-US');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
