// The whole pipeline: the project host as a process (its own task hub, registry and containers on the
// bench's Azurite), POST /api/videos for the uploaded source, polled until the job ends. The time is
// request → job Succeeded (the job row's completedTime, after the output and manifest are written);
// the stage times come from the job's manifest.
'use strict';
const path = require('node:path');
const { startHost, readMasterKey } = require('../scoring/hostProcess');

const pollMs = 250;

/** `K=V K=V` (spaces or commas) → { K: V }: app settings for the host and its worker processes. */
function parseSettings(text) {
  const settings = {};
  for (const pair of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`BENCH_SETTINGS: "${pair}" is not NAME=value`);
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return settings;
}

/** Starts the host; resolves with { run(context), stop() } for the bench's pipelines() list. */
async function startPipeline({ connection, storage, source, settings }) {
  const id = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
  const names = { videos: `bench-videos-${id}`, work: `bench-work-${id}`, output: `bench-out-${id}` };
  const hostId = `video-bench-${id}`;
  const host = await startHost({
    AzureWebJobsStorage: connection,
    AzureFunctionsWebHost__hostid: hostId,
    AzureFunctionsJobHost__extensions__durableTask__hubName: `VideoBench${id}`,
    'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
    MODEL_REGISTRY_TABLE: `vbench${id}`,
    MODEL_REGISTRY_CONTAINER: `bench-models-${id}`,
    VIDEO_INPUT_CONTAINER: names.videos,
    VIDEO_WORK_CONTAINER: names.work,
    SCORING_OUTPUT_CONTAINER: names.output,
    WORK_QUEUE: `bench-work-${id}`,
    WORK_RESULTS_QUEUE: `bench-results-${id}`,
    ...settings,
  });
  const baseUrl = /Host ready at (\S+)/.exec(host.output())[1];
  const masterKey = await readMasterKey(connection, hostId);
  const api = async (route, init = {}) => {
    const response = await fetch(`${baseUrl}/api/${route}`, {
      ...init,
      headers: { 'x-functions-key': masterKey, 'content-type': 'application/json' },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  // Uploaded once, before any run, and marked so that the blob trigger leaves it to POST /api/videos.
  const blob = path.basename(source);
  const videos = await storage.ensureContainer(names.videos);
  await videos.getBlockBlobClient(blob).uploadFile(source, { metadata: { autoscore: 'false' } });

  async function run() {
    const requested = Date.now();
    const { id: jobId } = await api('videos', {
      method: 'POST',
      body: JSON.stringify({ input: { container: names.videos, blob }, output: { codec: 'h264' } }),
    });
    let job;
    do {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      job = await api(`videos/${jobId}`);
    } while (job.status === 'Running');
    if (job.status !== 'Succeeded') throw new Error(`video job ${jobId} ${job.status}: ${job.reason}`);
    const totalMs = Date.parse(job.completedTime) - requested;
    const times = { requested, completed: Date.parse(job.completedTime) };
    const [container, ...rest] = job.manifest.split('/');
    const manifest = JSON.parse(
      (await storage.container(container).getBlockBlobClient(rest.join('/')).downloadToBuffer()).toString(),
    );
    await workCleared(storage.container(names.work), jobId);
    return { frames: manifest.frames, totalMs, timings: stageTimings(manifest, times), manifest };
  }

  return { run, stop: () => host.stop(), output: () => host.output() };
}

/** The job ends before its work blobs are deleted: waits for that, so that it does not overlap the next run. */
async function workCleared(work, jobId) {
  for (let i = 0; i < 100; i++) {
    const page = await work
      .listBlobsFlat({ prefix: `${jobId}/` })
      .byPage({ maxPageSize: 1 })
      .next();
    if ((page.value?.segment.blobItems.length ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Stage times of one job from its manifest, in ms: prepare's steps, the units' time on workers (their
 * union: units of several workers overlap) and the sums of their batches' steps, assembly's steps, and
 * the orchestration's share: end to end less prepare, styling and assembly.
 */
function stageTimings(manifest, { requested, completed }) {
  const totalMs = completed - requested;
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  const prepare = manifest.prepare ?? {};
  const prepareMs = sum(Object.values(prepare));
  const batches = manifest.units.flatMap((unit) => unit.batches ?? []);
  const spans = manifest.units.map((u) => [Date.parse(u.startedAt), Date.parse(u.finishedAt)]);
  const stylingMs = unionMs(spans);
  const firstStart = Math.min(...spans.map(([start]) => start));
  const lastEnd = Math.max(...spans.map(([, end]) => end));
  const { downloadMs, encodeMs, uploadMs = 0 } = manifest.assemble;
  const timings = {
    'prepare (activity)': prepareMs,
    '  download source': prepare.downloadMs,
    '  probe': prepare.probeMs,
    '  split to PNG': prepare.splitMs,
    '  upload frames': prepare.uploadMs,
    [`styling (${manifest.units.length} units, busy)`]: stylingMs,
  };
  for (const step of ['read', 'decode', 'inference', 'encode', 'write'])
    timings[`  batches ${step} (sum)`] = sum(batches.map((batch) => batch[`${step}Ms`]));
  Object.assign(timings, {
    'assemble (activity)': downloadMs + encodeMs + uploadMs,
    '  download frames': downloadMs,
    '  encode H.264': encodeMs,
    '  upload output': uploadMs,
    'orchestration + dispatch': totalMs - prepareMs - stylingMs - (downloadMs + encodeMs + uploadMs),
    '  before the first unit': firstStart - requested - prepareMs,
    '  between units': lastEnd - firstStart - stylingMs,
    '  after the last unit': completed - lastEnd - (downloadMs + encodeMs + uploadMs),
  });
  return timings;
}

/** Total length of the union of [start, end] intervals. */
function unionMs(intervals) {
  let total = 0;
  let reached = -Infinity;
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (end <= reached) continue;
    total += end - Math.max(start, reached);
    reached = end;
  }
  return total;
}

module.exports = { startPipeline, parseSettings };
