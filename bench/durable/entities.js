#!/usr/bin/env node
// Durable entities benchmark: client signals (EntityClient, what the Durable HTTP API's POST
// entities/{name}/{key} does) to one counter entity and to 1,000 counters, through the real host
// (child process) on an in-memory Azurite. Operations per second run from the first signal sent to
// the last one applied (the control queues are empty; the committed states then add up). Medians of
// BENCH_RUNS (3) after a warm-up, printed next to the Azure Storage provider's published entity target.
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
const { EntityClient } = require(path.join(root, 'dist/src/host/durable/EntityClient.js'));

const runs = Number(process.env.BENCH_RUNS ?? 3);
const operations = Number(process.env.BENCH_ENTITY_OPERATIONS ?? 2000);
// Signals in flight at once from the client, as many concurrent HTTP callers would have.
const clientConcurrency = Number(process.env.BENCH_CLIENT_CONCURRENCY ?? 64);
// Microsoft's "Performance targets" for the Azure Storage provider (durable-functions-azure-storage-
// provider.md): "Entity operation processing: 64 operations per second", one Counter entity on one
// small (A1) VM with extended sessions. It was not measured here.
const publishedOneEntity = 64;

const cases = [
  {
    name: 'signals to one entity',
    entities: 1,
    published: `${publishedOneEntity} ops/s (one Counter entity)`,
  },
  {
    name: 'signals to 1,000 entities',
    entities: 1000,
    published: 'none published (the target is for one entity)',
  },
];

async function main() {
  const ports = await findFreeAzuritePorts();
  const azurite = await startAzurite({ ports });
  const connectionString = azuriteConnectionString(ports);
  const hub = 'Bench' + Date.now().toString(36);
  const host = await startBenchHost(connectionString, hub);
  try {
    const storage = new StorageConnection(connectionString);
    const taskHub = new TaskHub(storage, hub, 4);
    const target = { storage, taskHub, client: new EntityClient(taskHub, () => true) };
    console.log(
      `durable entities benchmark: ${operations} client signals per run (${clientConcurrency} in flight), ` +
        `${runs} runs per case after one warm-up, medians; machine: ${require('node:os').cpus().length} cores`,
    );
    for (const bench of cases) {
      // Each run signals entities of its own (keys `<entities>.<run>-<i>`).
      await timeOne(target, bench, `${bench.entities}.warmup`);
      const rates = [];
      for (let i = 0; i < runs; i++) rates.push(await timeOne(target, bench, `${bench.entities}.r${i}`));
      const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
      console.log(
        `${bench.name}: median ${Math.round(median)} ops/s (runs ${rates.map(Math.round).join(', ')}) | ` +
          `Azure Storage provider, recorded, not measured: ${bench.published}` +
          (bench.entities === 1 ? `, ratio ${(median / publishedOneEntity).toFixed(1)}x` : ''),
      );
    }
  } finally {
    host.kill('SIGINT');
    await new Promise((resolve) => host.once('exit', resolve));
    await azurite.stop();
  }
}

/** Sends the signals, waits until every one is applied; returns ops/s. */
async function timeOne(target, bench, run) {
  const keys = Array.from({ length: bench.entities }, (_, i) => `${run}-${i}`);
  const started = performance.now();
  let next = 0;
  const sender = async () => {
    for (let index = next++; index < operations; index = next++) {
      await target.client.signal({ name: 'counter', key: keys[index % keys.length] }, 'add', '1');
    }
  };
  await Promise.all(Array.from({ length: clientConcurrency }, sender));
  // A message is deleted only after the batch that applied it is committed: empty queues mean done.
  // (Polling the rows instead would load Azurite with a query over every entity row.)
  while (!(await queuesEmpty(target))) await new Promise((resolve) => setTimeout(resolve, 100));
  const elapsed = performance.now() - started;
  const applied = await appliedTotal(target, run);
  if (applied !== operations)
    throw new Error(`${bench.name}: ${applied} operations applied, expected ${operations}`);
  // Untimed: Azurite's table slows down as it grows, which would make each run slower than the last.
  await deleteRows(target, run);
  return operations / (elapsed / 1000);
}

/** Whether the task hub's control queues hold no message, visible or not. */
async function queuesEmpty({ storage, taskHub }) {
  const counts = await Promise.all(
    Array.from({ length: taskHub.names.partitionCount }, async (_, partition) => {
      const queue = storage.queues.getQueueClient(taskHub.names.controlQueue(partition));
      return (await queue.getProperties()).approximateMessagesCount ?? 0;
    }),
  );
  return counts.every((count) => count === 0);
}

async function deleteRows({ taskHub }, run) {
  const page = await taskHub.instances.query({ instanceIdPrefix: `@counter@${run}-`, top: 1000 });
  await Promise.all(page.instances.map((record) => taskHub.instances.delete(record.instanceId)));
}

/** The sum of this run's counters (`@counter@<run>-<i>`), from their committed rows. */
async function appliedTotal({ taskHub }, run) {
  let total = 0;
  let continuationToken;
  do {
    const page = await taskHub.instances.query({
      instanceIdPrefix: `@counter@${run}-`,
      top: 1000,
      continuationToken,
    });
    for (const record of page.instances) total += JSON.parse(JSON.parse(record.input).state ?? '0');
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return total;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
