// The project's side of the bench: the embedded host running this app with a window stream on the hub.
// `endpointOnly` serves the hub (for the reference) with no stream reading it.
'use strict';
const { spawn } = require('node:child_process');
const { appendFileSync, mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

function startHost(root, env) {
  // BENCH_HOST_NODE_ARGS=<flags> (e.g. `--cpu-prof --cpu-prof-dir=<dir>`) go to the host's node only.
  const nodeArgs = (process.env.BENCH_HOST_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return startCli(
    root,
    ['host', root, '--port', '0'],
    env,
    /Host ready at (http:\/\/\S+)/,
    (child, ready, output) => ({ child, baseUrl: ready[1], output }),
    nodeArgs,
  );
}

/** Runs a `durable-scoring` command until its output matches `readyLine`. */
function startCli(root, args, env, readyLine, started, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/durable-scoring.js'), ...args], {
    env: { ...process.env, 'AzureWebJobs.retrainOnSchedule.Disabled': 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      // BENCH_HOST_LOG=<file> keeps the host's log (each function's duration) to see where time goes.
      if (process.env.BENCH_HOST_LOG) appendFileSync(process.env.BENCH_HOST_LOG, chunk);
      const ready = readyLine.exec(output);
      if (ready) resolve(started(child, ready, () => output));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) =>
      reject(new Error(`durable-scoring ${args[0]} exited (${code}): ${output.slice(-2000)}`)),
    );
  });
}

function stopper(child) {
  return () => {
    if (child.exitCode !== null) return Promise.resolve();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    return exited;
  };
}

const projectSide = {
  /**
   * The Event Hubs endpoint in a process of its own (`durable-scoring eventhubs`), as a namespace is a
   * service of its own on Azure: the host then reads it through the Event Hubs SDK, as a real namespace.
   */
  async separateEndpoint({ root, storage, amqpPort, hub }) {
    const endpoint = await startCli(
      root,
      ['eventhubs', root, '--hub', hub, '--port', String(amqpPort)],
      { AzureWebJobsStorage: storage },
      /Event Hubs \(AMQP\) on/,
      (child) => ({ child }),
      // BENCH_ENDPOINT_NODE_ARGS=<flags>: for the endpoint's node alone, as BENCH_HOST_NODE_ARGS for the host's.
      (process.env.BENCH_ENDPOINT_NODE_ARGS ?? '').split(' ').filter(Boolean),
    );
    return { pid: endpoint.child.pid, stop: stopper(endpoint.child) };
  },

  async endpointOnly({ root, storage, amqpPort, hub }) {
    const host = await startHost(root, {
      AzureWebJobsStorage: storage,
      DurableScoring__EventHubs__Enabled: 'true',
      DurableScoring__EventHubs__Port: String(amqpPort),
      DurableScoring__EventHubs__Hubs: hub,
      STREAMS_DIRECTORY: path.join(root, 'bench', 'streaming', 'no-streams'),
    });
    return { pid: host.child.pid, stop: stopper(host.child) };
  },

  /**
   * The demo's window stream on the hub (`bench`, outputs under `bench/`), served by the host's own
   * endpoint (`ownEndpoint`) or by the separate one at `connection`. `waitForWindows` returns
   * the figures of its committed windows once those the bench measures are done.
   */
  async start({
    root,
    scratch,
    storage,
    amqpPort,
    ownEndpoint,
    connection,
    hub,
    definition,
    windowMs,
    latenessMs,
    idleTimeout = '1s',
    watermark,
  }) {
    const streams = path.join(scratch, 'streams');
    mkdirSync(streams);
    const stream = {
      ...definition,
      name: 'bench',
      source: { hub, connection: 'EventHubConnection' },
      window: {
        ...definition.window,
        size: `${windowMs}ms`,
        allowedLateness: `${latenessMs}ms`,
        idleTimeout,
        ...(watermark ? { watermark } : {}),
      },
      outputs: { folder: 'bench', format: 'jsonl' },
    };
    writeFileSync(path.join(streams, 'bench.json'), JSON.stringify(stream));
    const host = await startHost(root, {
      AzureWebJobsStorage: storage,
      EventHubConnection: connection,
      // On its own endpoint's port the host reads its own log; on another (0: a free one) the connection
      // names another emulator, which the host reads through the Event Hubs SDK.
      DurableScoring__EventHubs__Port: ownEndpoint ? String(amqpPort) : '0',
      STREAMS_DIRECTORY: streams,
      ...(process.env.BENCH_MAX_BATCH
        ? { AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: process.env.BENCH_MAX_BATCH }
        : {}),
    });
    const { StorageClients } = require(path.join(root, 'dist/src/storage/StorageClients.js'));
    const windowsTable = new StorageClients(storage).table(
      process.env.STREAM_WINDOWS_TABLE ?? 'streamWindows',
    );
    return {
      pid: host.child.pid,
      stop: stopper(host.child),
      waitForWindows: (produced, windowMs, latenessMs) =>
        waitForWindows(windowsTable, { produced, windowMs, latenessMs }, host),
      /** The committed windows that start from `firstMs` and close by the watermark up to `lastEventMs`. */
      waitForBacklog: (firstMs, lastEventMs) =>
        waitForWindows(
          windowsTable,
          { produced: { startedAtMs: firstMs, endedAtMs: lastEventMs }, windowMs, latenessMs },
          host,
        ),
    };
  },
};

/** Polls the streamWindows rows until every window that could close while the producer ran is done. */
async function waitForWindows(tablePromise, { produced, windowMs, latenessMs }, host) {
  const table = await tablePromise;
  const first = Math.floor(produced.startedAtMs / windowMs) * windowMs;
  const wanted = [];
  for (let start = first; start + windowMs + latenessMs <= produced.endedAtMs; start += windowMs)
    wanted.push(start);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const rows = [];
    for await (const row of table.listEntities({ queryOptions: { filter: "PartitionKey eq 'bench'" } }))
      rows.push(row);
    const done = rows.filter((row) => row.state === 'Committed' || row.state === 'Failed');
    const doneStarts = new Set(done.map((row) => Date.parse(row.windowStart)));
    if (wanted.every((start) => doneStarts.has(start))) return figuresOf(done);
    if (Date.now() > deadline)
      throw new Error(
        `The project side committed ${doneStarts.size} of ${wanted.length} windows in 10 minutes.\n${host.output().slice(-3000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function figuresOf(rows) {
  const failed = rows.filter((row) => row.state === 'Failed');
  if (failed.length > 0) throw new Error(`${failed.length} window(s) failed: ${failed[0].reason}`);
  return {
    late: rows.reduce((sum, row) => sum + (row.lateEvents ?? 0), 0),
    windows: rows.map((row) => ({
      start: Date.parse(row.windowStart),
      closedAt: Date.parse(row.closedAt),
      events: row.eventsIn,
      closeToCommitMs: row.closeToCommitMs,
      late: row.lateEvents ?? 0,
      writtenAt: Date.parse(row.committedAt),
    })),
  };
}

module.exports = { projectSide };
