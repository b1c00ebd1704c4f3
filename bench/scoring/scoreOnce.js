// One project run: upload the CSV to the input container (timed on its own), then time blob drop →
// `_manifest.json` written, sampling the host's memory and both processes' CPU meanwhile.
'use strict';
const path = require('node:path');
const { cpuSecondsOf, machineBusySeconds, memoryOf } = require('./hostProcess');
const { jobTimeline } = require('./jobTimeline');

const root = path.resolve(__dirname, '..', '..');
const { jobIdForBlob } = require(path.join(root, 'dist/src/scoring/jobIds.js'));

const pollMs = 25;
const sampleMs = 100;

/**
 * Runs one job. `ctx`: { blobs (BlobServiceClient), jobs (JobStore), host, azuritePid, input, output,
 * concurrency, timeoutMs }. Resolves with the figures, the manifest and the job's timeline.
 */
async function scoreOnce(ctx, file, blobName, { download } = {}) {
  const input = ctx.blobs.getContainerClient(ctx.input);
  const uploadStarted = performance.now();
  const uploaded = await input
    .getBlockBlobClient(blobName)
    .uploadFile(file, { blockSize: 8 * 1024 * 1024, concurrency: 4 });
  const dropEpoch = Date.now();
  const dropped = performance.now();
  const uploadSeconds = (dropped - uploadStarted) / 1000;
  const jobId = jobIdForBlob(ctx.input, blobName, uploaded.etag ?? '');
  const cpuBefore = {
    host: cpuSecondsOf(ctx.host.pid),
    azurite: cpuSecondsOf(ctx.azuritePid),
    self: cpuSecondsOf(process.pid),
    machine: machineBusySeconds(),
  };
  const samples = [];
  const sampler = setInterval(
    () => samples.push({ at: Date.now(), rss: memoryOf(ctx.host.pid).rss }),
    sampleMs,
  );
  const manifestBlob = ctx.blobs.getContainerClient(ctx.output).getBlobClient(`${jobId}/_manifest.json`);
  try {
    await waitForBlob(manifestBlob, dropped + ctx.timeoutMs, () => ctx.host.output());
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - dropped) / 1000;
  const manifestEpoch = dropEpoch + seconds * 1000;
  const cpu = {
    host: cpuSecondsOf(ctx.host.pid) - cpuBefore.host,
    azurite: cpuSecondsOf(ctx.azuritePid) - cpuBefore.azurite,
  };
  // What other processes on the machine used meanwhile (other sessions' tests): noise in this run.
  cpu.foreign = Math.max(
    0,
    machineBusySeconds() -
      cpuBefore.machine -
      cpu.host -
      cpu.azurite -
      (cpuSecondsOf(process.pid) - cpuBefore.self),
  );
  const peakRss = Math.max(memoryOf(ctx.host.pid).rss, ...samples.map((sample) => sample.rss));
  const manifest = JSON.parse((await manifestBlob.downloadToBuffer()).toString());
  if (manifest.status !== 'Succeeded') throw new Error(`job ${jobId}: ${manifest.status} ${manifest.reason}`);
  // The job row is finalized right after the manifest; the next run starts on a quiet host.
  await waitForJobEnd(ctx.jobs, jobId);
  const timeline = jobTimeline(ctx.host.lines, dropEpoch, manifestEpoch, ctx.concurrency);
  const stages = stagesSince(ctx.host.lines, dropped);
  const rssByPhase = timeline && peaksByPhase(samples, timeline.marks);
  if (download)
    await ctx.blobs
      .getContainerClient(ctx.output)
      .getBlobClient(`${jobId}/predictions.csv`)
      .downloadToFile(download);
  await cleanUp(ctx, blobName, jobId);
  return {
    jobId,
    rows: manifest.rows.scored,
    uploadSeconds,
    seconds,
    rowsPerSecond: manifest.rows.scored / seconds,
    partitions: manifest.partitions.length,
    peakRss,
    rssByPhase,
    cpu,
    timeline,
    stages,
    manifest,
  };
}

async function waitForBlob(blob, deadline, output) {
  for (;;) {
    if (await blob.exists()) return;
    if (performance.now() > deadline) throw new Error(`no manifest at ${blob.name} in time:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function waitForJobEnd(jobs, jobId) {
  for (let i = 0; i < 400; i++) {
    const job = await jobs.get(jobId);
    if (job && job.status !== 'Running' && job.status !== 'Queued') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Deletes the input and output blobs so that the in-memory Azurite does not grow run after run. */
async function cleanUp(ctx, blobName, jobId) {
  await ctx.blobs.getContainerClient(ctx.input).getBlobClient(blobName).deleteIfExists();
  const output = ctx.blobs.getContainerClient(ctx.output);
  for await (const blob of output.listBlobsFlat({ prefix: `${jobId}/` })) {
    await output.getBlobClient(blob.name).deleteIfExists();
  }
}

/** The highest sampled RSS in each phase of the job (trigger = drop to the trigger's end). */
function peaksByPhase(samples, marks) {
  const peak = (from, to) =>
    Math.max(0, ...samples.filter((x) => x.at > from && x.at <= to).map((x) => x.rss));
  return {
    trigger: peak(0, marks.triggerEnd),
    prepare: peak(marks.triggerEnd, marks.prepareEnd),
    partitions: peak(marks.prepareEnd, marks.partitionsEnd),
    commit: peak(marks.partitionsEnd, Infinity),
  };
}

/** Totals of the `[stage]` lines stageTimer.js prints (empty unless the host was started with it). */
function stagesSince(lines, since) {
  const stages = {};
  for (const { at, text } of lines) {
    const match = at >= since && /^\[stage\] (\S+) ([\d.]+) (\d+)/.exec(text);
    if (!match) continue;
    const stage = (stages[match[1]] ??= { calls: 0, ms: 0, bytes: 0 });
    stage.calls++;
    stage.ms += Number(match[2]);
    stage.bytes += Number(match[3]);
  }
  return stages;
}

module.exports = { scoreOnce };
