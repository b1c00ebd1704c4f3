// Local Event Hubs log throughput: the append-blob segment log (src/host/eventHubs/EventHubLog.ts)
// next to the table log it replaced (tableLog.js, measured in the same run on the same Azurite build).
// Each measurement starts its own Azurite (in memory, or on disk with BENCH_AZURITE=disk) so that no run
// inherits another's data, then, on a 4-partition hub:
//   - appends BENCH_EVENTS events of BENCH_EVENT_BYTES random bytes in calls of BENCH_CALL_EVENTS events
//     (an SDK batch of ~1 MB), either sequentially (one appender, call k to partition k mod 4) or with
//     4 concurrent appenders (one per partition, as one producer per partition would);
//   - reads them all back through a second open of the hub (another process's view: nothing cached),
//     the 4 partitions at once, BENCH_READ_EVENTS per read call, and checks the count and the order.
// Rows: segment log with plain byte bodies; segment log with the bodies as AMQP data sections (what the
// AMQP endpoint appends: the bytes are kept, body and properties decoded on read, here left undecoded,
// as an AMQP consumer forwards them); the table log with the same byte bodies. Figures are medians of
// BENCH_RUNS runs of events/s and payload MB/s (events × BENCH_EVENT_BYTES / 1e6 per second).
//   npm run build && node bench/eventhubs/log.js
// BENCH_EVENTS (default 200000), BENCH_REFERENCE_EVENTS (events for the table log; default the same),
// BENCH_EVENT_BYTES (1024), BENCH_CALL_EVENTS (900), BENCH_READ_EVENTS (1000), BENCH_RUNS (3),
// BENCH_AZURITE=memory|disk (default memory), BENCH_ONLY=segment|amqp|table (comma-separated; default all).
'use strict';
const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const dist = (file) => require(path.join(root, 'dist/src', file));
const { startAzurite, findFreeAzuritePorts } = dist('host/azurite/startAzurite.js');
const { StorageConnection, azuriteConnectionString } = dist('host/storage/StorageConnection.js');
const { EventHubLog } = dist('host/eventHubs/EventHubLog.js');
const { message } = require(path.join(root, 'node_modules/rhea'));
const { TableEventHubLog } = require('./tableLog');

const events = Number(process.env.BENCH_EVENTS || 200_000);
const referenceEvents = Number(process.env.BENCH_REFERENCE_EVENTS || events);
const eventBytes = Number(process.env.BENCH_EVENT_BYTES || 1024);
const callEvents = Number(process.env.BENCH_CALL_EVENTS || 900);
const readEvents = Number(process.env.BENCH_READ_EVENTS || 1000);
const runs = Number(process.env.BENCH_RUNS || 3);
const onDisk = process.env.BENCH_AZURITE === 'disk';
const only = new Set((process.env.BENCH_ONLY || 'segment,amqp,table').split(','));
const partitionCount = 4;

// One call's worth of distinct events, sent again in every call (the logs do not look at the bytes).
const bodies = Array.from({ length: callEvents }, () => randomBytes(eventBytes));
const plainCall = bodies.map((body) => ({ body }));
const amqpCall = bodies.map((body) => ({ body, amqp: message.encode({ body: message.data_section(body) }) }));

const variants = [
  { name: 'segment', label: 'segment log, byte bodies', open: EventHubLog.open, call: plainCall, events },
  { name: 'amqp', label: 'segment log, AMQP messages', open: EventHubLog.open, call: amqpCall, events },
  {
    name: 'table',
    label: 'table log (reference), byte bodies',
    open: TableEventHubLog.open,
    call: plainCall,
    events: referenceEvents,
  },
].filter((variant) => only.has(variant.name));

async function withAzurite(work) {
  const ports = await findFreeAzuritePorts();
  const location = onDisk ? mkdtempSync(path.join(os.tmpdir(), 'eventhubs-bench-')) : undefined;
  const azurite = await startAzurite({ ports, ...(location ? { location } : {}) });
  try {
    return await work(new StorageConnection(azuriteConnectionString(ports)));
  } finally {
    await azurite.stop();
    if (location) rmSync(location, { recursive: true, force: true });
  }
}

/** Appends `total` events in calls of the variant's events; `concurrent`: one appender per partition. */
async function append(log, variant, total, concurrent) {
  const calls = Math.ceil(total / callEvents);
  const callAt = (index) => variant.call.slice(0, Math.min(callEvents, total - index * callEvents));
  const started = performance.now();
  if (concurrent) {
    await Promise.all(
      Array.from({ length: partitionCount }, async (_, partition) => {
        for (let index = partition; index < calls; index += partitionCount)
          await log.append(String(partition), callAt(index));
      }),
    );
  } else {
    for (let index = 0; index < calls; index++)
      await log.append(String(index % partitionCount), callAt(index));
  }
  return (performance.now() - started) / 1000;
}

/** Reads every partition to its end, all partitions at once; checks order and count. */
async function readBack(log, total) {
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: partitionCount }, async (_, partition) => {
      let next = 0;
      for (;;) {
        const batch = await log.read(String(partition), next, readEvents);
        if (batch.length === 0) return next;
        if (batch[0].sequenceNumber !== next) throw new Error(`partition ${partition}: expected ${next}`);
        next = batch[batch.length - 1].sequenceNumber + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const read = counts.reduce((a, b) => a + b, 0);
  if (read !== total) throw new Error(`read ${read} events, appended ${total}`);
  return seconds;
}

async function measure(variant, concurrent) {
  return withAzurite(async (storage) => {
    const hub = `bench${randomBytes(4).toString('hex')}`;
    const writer = await variant.open(storage, hub, partitionCount);
    const appendSeconds = await append(writer, variant, variant.events, concurrent);
    const reader = await variant.open(storage, hub, partitionCount);
    const readSeconds = await readBack(reader, variant.events);
    return { appendSeconds, readSeconds };
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (count, seconds) => `${Math.round(count / seconds).toLocaleString('en-US')} events/s`;
const mbps = (count, seconds) => `${((count * eventBytes) / 1e6 / seconds).toFixed(1)} MB/s`;

async function main() {
  console.log(
    `Event Hubs log bench: ${events.toLocaleString('en-US')} events of ${eventBytes} B (table log: ${referenceEvents.toLocaleString('en-US')}) in calls of ${callEvents}, ${partitionCount} partitions, reads of ${readEvents}, Azurite ${onDisk ? 'on disk' : 'in memory'}, ${os.cpus().length} CPUs; medians of ${runs}`,
  );
  const results = [];
  for (const variant of variants) {
    for (const concurrent of [false, true]) {
      const samples = [];
      for (let run = 0; run < runs; run++) samples.push(await measure(variant, concurrent));
      const appendSeconds = median(samples.map((sample) => sample.appendSeconds));
      const readSeconds = median(samples.map((sample) => sample.readSeconds));
      const mode = concurrent ? '4 concurrent appenders' : 'sequential appender';
      const line = {
        variant: variant.label,
        mode,
        append: `${rate(variant.events, appendSeconds)}, ${mbps(variant.events, appendSeconds)}`,
        read: `${rate(variant.events, readSeconds)}, ${mbps(variant.events, readSeconds)}`,
        runs: samples.map(
          (s) =>
            `${Math.round(variant.events / s.appendSeconds)}/${Math.round(variant.events / s.readSeconds)}`,
        ),
        appendRate: variant.events / appendSeconds,
      };
      results.push(line);
      console.log(
        `${line.variant} | ${mode} | append ${line.append} | read ${line.read} | runs (append/read events/s): ${line.runs.join(', ')}`,
      );
    }
  }
  for (const mode of ['sequential appender', '4 concurrent appenders']) {
    const segment = results.find(
      (line) => line.variant.startsWith('segment log, byte') && line.mode === mode,
    );
    const table = results.find((line) => line.variant.startsWith('table') && line.mode === mode);
    if (segment && table) {
      console.log(
        `${mode}: segment log appends ${(segment.appendRate / table.appendRate).toFixed(1)}x the table log's rate`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
