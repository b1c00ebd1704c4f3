#!/usr/bin/env node
// Windowed stream scoring, end to end: 1 KB JSON events (a device id, an event time, ten numeric sensor
// fields and padding) from 1,000 devices, produced with the unmodified @azure/event-hubs producer at a
// steady rate (event time = the time of sending) into the host's Event Hubs endpoint, scored in 10 s
// tumbling windows by the IoT demo's model. Two readers of the same hub in the same run:
//  - the project: the demo's window stream on the embedded host; figures from its streamWindows rows;
//  - the reference: a plain EventHubConsumerClient + onnxruntime-node script (reference.js) computing
//    the same windows over the same events.
// Prints, for each, events/s scored, window close → output written latency p50/p99 and peak RSS, then
// the ratios. Settings: BENCH_RATE (events/s, default 20000), BENCH_SECONDS (default 40), BENCH_RUNS
// (default 1; medians over runs), BENCH_PROJECT=0 to run the reference alone, BENCH_MAX_BATCH (the
// host's maxEventBatchSize), BENCH_ENDPOINT: `separate` (default: the Event Hubs endpoint runs in a process
// of its own, `durable-scoring eventhubs`, and the host reads it through the Event Hubs SDK, as it reads a
// namespace on Azure) or `host` (the host's own endpoint serves both sides from the host's process).
'use strict';
const { fork } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { startAzurite, findFreePort, findFreeAzuritePorts } = require(
  path.join(root, 'dist/src/host/azurite/startAzurite.js'),
);
const { azuriteConnectionString } = require(path.join(root, 'dist/src/host/storage/StorageConnection.js'));
const { drainRun } = require('./drain');
const { produceSteadily } = require('./produceSteadily');
const { projectSide } = require('./projectSide');

const rate = Number(process.env.BENCH_RATE ?? 20_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 40);
const runs = Number(process.env.BENCH_RUNS ?? 1);
const withProject = process.env.BENCH_PROJECT !== '0';
const layout = process.env.BENCH_ENDPOINT ?? 'separate';
if (layout !== 'separate' && layout !== 'host')
  throw new Error(`BENCH_ENDPOINT is "${layout}"; use "separate" or "host".`);
const mode = process.env.BENCH_MODE ?? 'steady';
if (mode !== 'steady' && mode !== 'backlog')
  throw new Error(`BENCH_MODE is "${mode}"; use "steady" or "backlog".`);
if (mode === 'backlog' && layout !== 'separate')
  throw new Error(
    'BENCH_MODE=backlog needs BENCH_ENDPOINT=separate: the hub is filled before any host runs.',
  );
// With BENCH_WATERMARK=partitions the project's stream holds a window open until every partition passed it.
const watermark = process.env.BENCH_WATERMARK;
const layoutText = {
  separate:
    'Event Hubs endpoint in its own process (durable-scoring eventhubs), read by the host through the Event Hubs SDK',
  host: "Event Hubs endpoint inside the host's process, read by the host from its own log",
}[layout];
const devices = 1000;
const windowMs = 10_000;
const latenessMs = 1000;
const definition = JSON.parse(readFileSync(path.join(root, 'demo/iot/streams/sensors.json'), 'utf8'));
const modelPath = path.join(root, 'models/sensor-anomaly/model.onnx');

async function main() {
  console.log(
    `Streaming bench: ${runs} run(s) of ${seconds} s at ${fmt(rate)} events/s, 1 KB events, ${fmt(devices)} devices, ` +
      `${windowMs / 1000} s tumbling windows, ${definition.features.length} window features, ${os.cpus().length} cores`,
  );
  console.log(`Layout: ${layoutText} (BENCH_ENDPOINT=${layout})`);
  if (mode === 'backlog')
    console.log(
      `Mode: backlog: ${fmt(rate * seconds)} events produced first, then read from the start by each side alone`,
    );
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await (mode === 'backlog' ? oneDrain : oneRun)(run));
  (mode === 'backlog' ? reportDrains : report)(results);
}

/** A run's scratch folder, in-memory Azurite, endpoint port and connection string, and hub name. */
async function runFixtures(run) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'streaming-bench-'));
  const ports = await findFreeAzuritePorts();
  const azurite = await startAzurite({ ports });
  const amqpPort = await findFreePort();
  const connection = `Endpoint=sb://127.0.0.1:${amqpPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`;
  const hub = `bench${run}${Date.now().toString(36)}`;
  return { scratch, azurite, amqpPort, connection, hub, storage: azuriteConnectionString(ports) };
}

async function oneDrain(run) {
  const { scratch, azurite, amqpPort, connection, hub, storage } = await runFixtures(run);
  const endpoint = await projectSide
    .separateEndpoint({ root, storage, amqpPort, hub })
    .catch(async (error) => {
      await azurite.stop();
      throw error;
    });
  const endpointRss = sampleRss(endpoint.pid);
  try {
    const result = await drainRun(run, {
      rate,
      seconds,
      devices,
      windowMs,
      latenessMs,
      connection,
      hub,
      endpoint,
      scratch,
      modelPath,
      definition,
      withProject,
      watermark,
      projectSide,
      sampleRss,
      startOptions: {
        root,
        scratch,
        storage,
        amqpPort,
        ownEndpoint: false,
        connection,
        hub,
        definition,
        windowMs,
        latenessMs,
      },
    });
    if (result.project) result.project.endpointRssBytes = endpointRss.peak();
    return result;
  } finally {
    endpointRss.stop();
    await endpoint.stop();
    await azurite.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function reportDrains(results) {
  const side = (name) => {
    const of = results.map((r) => r[name]).filter(Boolean);
    if (of.length === 0) return undefined;
    const cpu = (key) => median(of.map((f) => f.cpuMicrosPerEvent[key] ?? NaN));
    return {
      eventsPerSecond: median(of.map((f) => f.eventsPerSecond)),
      p50: median(of.map((f) => percentile(f.latencies, 0.5))),
      p99: median(of.map((f) => percentile(f.latencies, 0.99))),
      windows: median(of.map((f) => f.latencies.length)),
      late: median(of.map((f) => f.late ?? 0)),
      rssMb: median(of.map((f) => f.rssBytes / 2 ** 20)),
      cpu: { side: cpu('side'), endpoint: cpu('endpoint'), machine: cpu('machine') },
      all: of.map((f) => fmt(f.eventsPerSecond)).join(', '),
    };
  };
  const project = side('project');
  const reference = side('reference');
  const row = (name, s) =>
    s === undefined
      ? `${name.padEnd(10)} not run`
      : `${name.padEnd(10)} ${fmt(s.eventsPerSecond).padStart(7)} events/s (runs: ${s.all})  close→written p50 ${fmt(s.p50)} ms p99 ${fmt(s.p99)} ms ` +
        `(${s.windows} windows, ${fmt(s.late)} late)  RSS ${fmt(s.rssMb)} MB  CPU µs/event: own ${fmt(s.cpu.side)}, endpoint ${fmt(s.cpu.endpoint)}, machine ${fmt(s.cpu.machine)}`;
  console.log(`medians over ${results.length} backlog run(s), separate endpoint:`);
  console.log(row('project', project));
  console.log(row('reference', reference));
  if (project && reference)
    console.log(
      `project / reference: throughput ${(project.eventsPerSecond / reference.eventsPerSecond).toFixed(2)}x, ` +
        `own CPU per event ${(project.cpu.side / reference.cpu.side).toFixed(2)}x | goals: >= 20,000 events/s ` +
        `${project.eventsPerSecond >= 20_000 ? 'met' : 'NOT met'}, p99 <= 2 s ${project.p99 <= 2000 ? 'met' : 'NOT met'}, ` +
        `host RSS <= 1 GB ${project.rssMb <= 1024 ? 'met' : 'NOT met'}`,
    );
}

async function oneRun(run) {
  const { scratch, azurite, amqpPort, connection, hub, storage } = await runFixtures(run);
  const endpoint =
    layout === 'separate' || !withProject
      ? await projectSide[layout === 'separate' ? 'separateEndpoint' : 'endpointOnly']({
          root,
          storage,
          amqpPort,
          hub,
        })
      : undefined;
  const project = withProject
    ? await projectSide
        .start({
          root,
          scratch,
          storage,
          amqpPort,
          ownEndpoint: layout === 'host',
          connection,
          hub,
          definition,
          windowMs,
          latenessMs,
        })
        .catch(async (error) => {
          await endpoint?.stop();
          await azurite.stop();
          throw error;
        })
    : undefined;
  const reference = fork(
    path.join(__dirname, 'reference.js'),
    [
      connection,
      hub,
      modelPath,
      String(windowMs),
      String(latenessMs),
      path.join(scratch, 'reference.jsonl'),
      definition.features.join(','),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const referenceDone = new Promise((resolve, reject) => {
    reference.on('message', (message) => message.ready || resolve(message));
    reference.once('exit', (code) => code !== 0 && reject(new Error(`reference.js exited with ${code}`)));
  });
  const hostRss = sampleRss((project ?? endpoint).pid);
  const endpointRss = endpoint && project ? sampleRss(endpoint.pid) : undefined;
  try {
    const produced = await produceSteadily({ connection, hub, rate, seconds, devices });
    const achieved = produced.sent / produced.seconds;
    console.log(
      `run ${run + 1}: sent ${fmt(produced.sent)} events in ${produced.seconds.toFixed(1)} s (${fmt(achieved)} events/s` +
        `${achieved < rate * 0.95 ? `: the producer fell behind ${fmt(rate)} events/s, so neither side saw more` : ''})`,
    );
    reference.send({ total: produced.sent });
    const [referenceFigures, projectFigures] = await Promise.all([
      referenceDone,
      withProject ? project.waitForWindows(produced, windowMs, latenessMs) : Promise.resolve(undefined),
    ]);
    return {
      produced,
      reference: referenceFigures,
      project: projectFigures && {
        ...projectFigures,
        rssBytes: hostRss.peak(),
        endpointRssBytes: endpointRss?.peak(),
      },
    };
  } finally {
    hostRss.stop();
    endpointRss?.stop();
    reference.kill('SIGINT');
    await project?.stop();
    await endpoint?.stop();
    await azurite.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function report(results) {
  const side = (pick) => {
    const runsOf = results
      .filter(pick)
      .map((r) => ({ ...pick(r), ...measured(pick(r).windows, r.produced) }));
    if (runsOf.length === 0) return undefined;
    const latencies = (q) => median(runsOf.map((f) => percentile(f.latencies, q)));
    return {
      eventsPerSecond: median(runsOf.map((f) => f.eventsPerSecond)),
      p50: latencies(0.5),
      p99: latencies(0.99),
      windows: median(runsOf.map((f) => f.latencies.length)),
      late: median(runsOf.map((f) => f.late ?? 0)),
      rssMb: median(runsOf.map((f) => f.rssBytes / 2 ** 20)),
      endpointRssMb: median(runsOf.map((f) => (f.endpointRssBytes ?? NaN) / 2 ** 20)),
      // The project's windows record their close → commit time: the rest of due → written is the wait
      // for the watermark to pass the window (how far the trigger is behind the producer).
      closeToCommit: runsOf.flatMap((f) => f.windows.map((w) => w.closeToCommitMs).filter(Number.isFinite)),
    };
  };
  const reference = side((r) => r.reference);
  const project = side((r) => r.project);
  const row = (name, s) =>
    s === undefined
      ? `${name.padEnd(10)} not run`
      : `${name.padEnd(10)} ${fmt(s.eventsPerSecond).padStart(10)} events/s  due→written p50 ${fmt(s.p50).padStart(6)} ms  p99 ${fmt(s.p99).padStart(6)} ms  (${s.windows} windows, ${fmt(s.late)} late)  RSS ${fmt(s.rssMb)} MB`;
  console.log(
    `medians over ${results.length} run(s), ${layout === 'separate' ? 'separate endpoint' : 'endpoint in the host'}:`,
  );
  console.log(row('project', project));
  console.log(row('reference', reference));
  if (project && Number.isFinite(project.endpointRssMb))
    console.log(`endpoint process (not the host) peak RSS ${fmt(project.endpointRssMb)} MB`);
  const lateWindows = results.flatMap((r, run) =>
    (r.project?.windows ?? [])
      .filter((w) => w.late > 0)
      .map((w) => `run ${run + 1} ${new Date(w.start).toISOString().slice(11, 19)}: ${fmt(w.late)}`),
  );
  if (lateWindows.length > 0)
    console.log(`project late events by window (start, UTC): ${lateWindows.join(', ')}`);
  if (project && project.closeToCommit.length > 0) {
    const orchestration = median(project.closeToCommit);
    console.log(
      `project stages (medians): due → closed ${fmt(Math.max(0, project.p50 - orchestration))} ms (the trigger's lag behind ` +
        `the producer), closed → committed ${fmt(orchestration)} ms (the window's orchestration and activities)`,
    );
  }
  if (project && reference)
    console.log(
      `project / reference: throughput ${(project.eventsPerSecond / reference.eventsPerSecond).toFixed(2)}x, ` +
        `p50 ${(project.p50 / reference.p50).toFixed(2)}x, p99 ${(project.p99 / reference.p99).toFixed(2)}x | ` +
        `goals: >= 20,000 events/s ${project.eventsPerSecond >= 20_000 ? 'met' : 'NOT met'}, ` +
        `p99 <= 2 s ${project.p99 <= 2000 ? 'met' : 'NOT met'}, host RSS <= 1 GB ${project.rssMb <= 1024 ? 'met' : 'NOT met'}`,
    );
}

/**
 * Over the windows that closed while the producer ran (their end plus the lateness before it stopped,
 * so the latest event time seen closed them, on both sides): throughput is their events over the time
 * from the first send to the last of them written; latency, per window, runs from the moment it may
 * close (its end plus the lateness, in event time, which is the time of sending) to its output written.
 */
function measured(windows, produced) {
  const closedLive = windows.filter((w) => w.start + windowMs + latenessMs <= produced.endedAtMs);
  const events = closedLive.reduce((sum, w) => sum + w.events, 0);
  const lastWritten = Math.max(...closedLive.map((w) => w.writtenAt));
  return {
    eventsPerSecond: events / ((lastWritten - produced.startedAtMs) / 1000),
    latencies: closedLive.map((w) => w.writtenAt - (w.start + windowMs + latenessMs)),
  };
}

/** Peak resident memory of a process, read from /proc every 250 ms. */
function sampleRss(pid) {
  let peak = 0;
  const read = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      // the process has ended
    }
  };
  const timer = setInterval(read, 250);
  return { peak: () => (read(), peak), stop: () => clearInterval(timer) };
}

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fmt(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : String(value);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
