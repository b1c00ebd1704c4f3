// Backlog mode (BENCH_MODE=backlog): how fast each side scores when the producer is not competing for
// the machine. The producer first fills the hub with `rate * seconds` events whose times are spaced as
// if sent at `rate`; then the reference alone, and then the project alone, read the whole backlog from
// the start (the order swaps on every other run). Each side's throughput is the events of its windows
// after the first over the time between its first and its last window written (steady state: neither
// start-up nor the idle end counts); latency is from a window's close (the watermark passed it) to its
// output written. CPU per event is read from /proc over the same interval: the side's own process, the
// endpoint's, and the whole machine's (Azurite included).
'use strict';
const { fork } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { produceBacklog } = require('./produceSteadily');

/** One backlog run; `ctx` holds what run.js set up (Azurite, the endpoint, the hub) and the settings. */
async function drainRun(run, ctx) {
  const { rate, seconds, devices, windowMs, latenessMs, connection, hub, endpoint } = ctx;
  // Event times in the future: a window's durable timer (its end + lateness + idle timeout) must not
  // close it before the watermark does, however long the backlog takes to produce and read.
  const firstEventAtMs = Math.ceil((Date.now() + 3600_000) / windowMs) * windowMs;
  let shown = 0;
  const produced = await produceBacklog({
    connection,
    hub,
    rate,
    seconds,
    devices,
    firstEventAtMs,
    onProgress: (sent, total) => {
      const percent = Math.floor((sent / total) * 10) * 10;
      if (percent > shown) process.stderr.write(`\r  producing the backlog: ${(shown = percent)}%`);
    },
  });
  process.stderr.write('\n');
  console.log(
    `run ${run + 1}: backlog of ${fmt(produced.sent)} events produced in ${produced.seconds.toFixed(1)} s ` +
      `(${fmt(produced.sent / produced.seconds)} events/s), event times over ${seconds} s`,
  );
  const sides = {
    reference: () => referenceSide(ctx, produced),
    project: () => projectSideRun(ctx, produced),
  };
  const order = run % 2 === 0 ? ['reference', 'project'] : ['project', 'reference'];
  const result = { produced };
  for (const name of order) {
    if (name === 'project' && !ctx.withProject) continue;
    result[name] = await sides[name]();
    console.log(`run ${run + 1}: ${name} done (${fmt(result[name].eventsPerSecond)} events/s)`);
  }
  return result;

  async function referenceSide() {
    const reference = fork(
      path.join(__dirname, 'reference.js'),
      [
        connection,
        hub,
        ctx.modelPath,
        String(windowMs),
        String(latenessMs),
        path.join(ctx.scratch, `reference-${run}.jsonl`),
        ctx.definition.features.join(','),
      ],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const cpu = sampleCpu({ side: reference.pid, endpoint: endpoint?.pid });
    try {
      const figures = await new Promise((resolve, reject) => {
        reference.on('message', (message) =>
          message.ready ? reference.send({ total: produced.sent }) : resolve(message),
        );
        reference.once('exit', (code) => code !== 0 && reject(new Error(`reference.js exited with ${code}`)));
      });
      const windows = figures.windows.filter((w) => w.byWatermark);
      return { ...steadyState(windows, cpu), late: figures.late, rssBytes: figures.rssBytes };
    } finally {
      cpu.stop();
      reference.kill('SIGINT');
    }
  }

  async function projectSideRun() {
    const project = await ctx.projectSide.start({
      ...ctx.startOptions,
      // Windows close by the watermark alone; the last one (never passed) is not measured.
      idleTimeout: '1h',
      watermark: ctx.watermark,
    });
    const cpu = sampleCpu({ side: project.pid, endpoint: endpoint?.pid });
    const rss = ctx.sampleRss(project.pid);
    try {
      const figures = await project.waitForBacklog(firstEventAtMs, produced.lastEventAtMs);
      const windows = figures.windows
        .filter((w) => w.start + windowMs + latenessMs <= produced.lastEventAtMs)
        .map((w) => ({ ...w, closedAt: w.writtenAt - w.closeToCommitMs }));
      return { ...steadyState(windows, cpu), late: figures.late, rssBytes: rss.peak() };
    } finally {
      cpu.stop();
      rss.stop();
      await project.stop();
    }
  }
}

/**
 * Throughput over the steady part of a drain: the events of the windows after the first, over the time
 * from the first window written to the last; CPU per event over the same time.
 */
function steadyState(windows, cpu) {
  const sorted = [...windows].sort((a, b) => a.writtenAt - b.writtenAt);
  if (sorted.length < 2) throw new Error(`Only ${sorted.length} window(s) closed: give BENCH_SECONDS more.`);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const events = sorted.slice(1).reduce((sum, w) => sum + w.events, 0);
  const used = cpu.between(first.writtenAt, last.writtenAt);
  const perEvent = (seconds) => (seconds * 1e6) / events;
  return {
    eventsPerSecond: events / ((last.writtenAt - first.writtenAt) / 1000),
    windows: sorted,
    latencies: sorted.map((w) => w.writtenAt - w.closedAt),
    cpuMicrosPerEvent: {
      side: perEvent(used.side),
      endpoint: used.endpoint === undefined ? undefined : perEvent(used.endpoint),
      machine: perEvent(used.machine),
    },
  };
}

const ticksPerSecond = 100; // USER_HZ, as /proc reports CPU times on Linux

/** CPU seconds used by each named process and by the whole machine, sampled every 100 ms. */
function sampleCpu(pids) {
  const samples = [];
  const read = () => {
    const sample = { at: Date.now(), machine: machineBusySeconds() };
    for (const [name, pid] of Object.entries(pids)) if (pid) sample[name] = processSeconds(pid);
    samples.push(sample);
  };
  read();
  const timer = setInterval(read, 100);
  return {
    stop: () => clearInterval(timer),
    between(fromMs, toMs) {
      read();
      const at = (time) =>
        samples.reduce((best, s) => (Math.abs(s.at - time) < Math.abs(best.at - time) ? s : best));
      const [from, to] = [at(fromMs), at(toMs)];
      const used = {};
      for (const key of ['side', 'endpoint', 'machine'])
        used[key] = from[key] === undefined || to[key] === undefined ? undefined : to[key] - from[key];
      return used;
    },
  };
}

function processSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime
  } catch {
    return undefined; // the process has ended
  }
}

function machineBusySeconds() {
  const [, ...times] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = times[3] + times[4]; // idle, iowait
  return (times.reduce((sum, t) => sum + t, 0) - idle) / ticksPerSecond;
}

function fmt(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : String(value);
}

module.exports = { drainRun };
