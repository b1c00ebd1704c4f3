#!/usr/bin/env node
// Video style transfer benchmark (not a test): frames/s of the raw reference (ffmpeg decode +
// onnxruntime + ffmpeg encode in one process) next to the whole pipeline (the host as a process,
// POST /api/videos, styleVideo, local worker processes) and the video feature's steps on blob storage
// without orchestration, on the same generated video, alternating, medians of BENCH_RUNS runs, with
// per-stage times and the machine's load average at the start of each run.
// Settings: BENCH_RUNS (3), BENCH_SIZE (720x720), BENCH_FPS (8), BENCH_SECONDS (3), BENCH_BATCH (4),
// BENCH_EP (cpu | cuda), BENCH_PIPELINES (whole,steps), BENCH_SETTINGS (app settings for the host and
// its workers, e.g. "LOCAL_WORKERS=2 VIDEO_BATCH_FRAMES=8"). Run `npm run build` first.
'use strict';
const { createHash } = require('node:crypto');
const { mkdtemp, readFile, rm } = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { runReference, openSession } = require('./reference');
const { runStages } = require('./stages');
const { startPipeline, parseSettings } = require('./pipeline');

const root = path.resolve(__dirname, '..', '..');
const dist = (file) => require(path.join(root, 'dist/src', file));
const video = dist('video/index.js');
const { ffmpegPath, runFfmpeg } = dist('video/media/runFfmpeg.js');
const { StorageClients } = dist('storage/StorageClients.js');
const { startAzurite, findFreeAzuritePorts } = dist('host/azurite/startAzurite.js');
const { azuriteConnectionString } = dist('host/storage/StorageConnection.js');

const settings = {
  runs: Number(process.env.BENCH_RUNS ?? 3),
  size: process.env.BENCH_SIZE ?? '720x720',
  fps: process.env.BENCH_FPS ?? '8',
  seconds: Number(process.env.BENCH_SECONDS ?? 3),
  batchSize: Number(process.env.BENCH_BATCH ?? 4),
  executionProvider: process.env.BENCH_EP ?? 'cpu',
  pipelines: (process.env.BENCH_PIPELINES ?? 'whole,steps').split(',').map((name) => name.trim()),
  hostSettings: parseSettings(process.env.BENCH_SETTINGS),
};
const goal = 0.85;

/**
 * The pipelines measured against the raw reference: { name, start?(), run(context) → { frames,
 * timings, totalMs? }, stop?() }, where context has source, work, output and runId.
 */
function pipelines(shared) {
  const all = {
    whole: wholePipeline(shared),
    steps: {
      name: 'video steps on blobs, no orchestration',
      run: (context) => runStages({ ...shared, ...context }),
    },
  };
  return settings.pipelines.map((name) => {
    if (!all[name]) throw new Error(`BENCH_PIPELINES: no pipeline "${name}"; use whole, steps`);
    return all[name];
  });
}

/**
 * POST /api/videos on the host, worker processes started by its local dispatcher. Its first job is a
 * warm-up, not counted (workers start and open the model then, as the raw reference opens its session
 * before timing); it is printed as the cold start.
 */
function wholePipeline(shared) {
  const named = Object.entries(settings.hostSettings).map(([k, v]) => `${k}=${v}`);
  let pipeline;
  return {
    judged: true,
    name: `whole pipeline (POST /api/videos${named.length ? `, ${named.join(' ')}` : ', default settings'})`,
    async start() {
      pipeline = await startPipeline({ ...shared, settings: settings.hostSettings });
      const cold = await pipeline.run();
      console.log(`whole pipeline warm-up (cold workers): ${rateOf(cold).toFixed(2)} frames/s, not counted`);
    },
    run: () => pipeline.run(),
    stop: () => pipeline?.stop(),
  };
}

async function makeSource(work) {
  const source = path.join(work, 'source.mp4');
  const testsrc = `testsrc2=size=${settings.size}:rate=${settings.fps}:duration=${settings.seconds}`;
  await runFfmpeg({
    args: [
      '-f',
      'lavfi',
      '-i',
      testsrc,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:duration=${settings.seconds}`,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-y',
      source,
    ],
    subject: 'bench source',
  });
  return source;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rateOf = (result) => (result.frames / result.totalMs) * 1000;
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

function report(name, results, baseline) {
  const rates = results.map(rateOf);
  const rate = median(rates);
  const ratio = baseline === undefined ? '' : ` = ${(rate / baseline).toFixed(2)}x raw`;
  console.log(`\n${name}: ${rate.toFixed(2)} frames/s median${ratio}`);
  console.log(
    `  runs: ${results.map((r) => `${rateOf(r).toFixed(2)} (load ${r.load.split(' ')[0]})`).join(', ')} frames/s`,
  );
  for (const stage of Object.keys(results[0].timings)) {
    const ms = median(results.map((r) => r.timings[stage] ?? 0));
    console.log(
      `  ${stage.padEnd(32)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${(ms / results[0].frames).toFixed(0).padStart(5)} ms/frame`,
    );
  }
  return rate;
}

/**
 * The table: medians of each side's frames/s, their ratio (judged against the goal), and the median of
 * the runs' own ratios (each pipeline run against the raw run just before it: steadier under load
 * that changes between runs).
 */
function summary(raw, measured, others) {
  const baseline = median(raw.map(rateOf));
  const loads = [...raw, ...others.flat()].map((r) => Number(r.load.split(' ')[0]));
  console.log(
    `\nsummary (medians of ${raw.length} alternating runs; 1-min load average at run starts ${Math.min(...loads).toFixed(2)}..${Math.max(...loads).toFixed(2)})`,
  );
  console.log(
    `  ${'frames/s'.padStart(9)} ${'ms/frame'.padStart(9)} ${'ratio'.padStart(6)} ${'paired'.padStart(7)}  measured`,
  );
  const row = (rate, name, ratio = '', paired = '') =>
    console.log(
      `  ${rate.toFixed(2).padStart(9)} ${(1000 / rate).toFixed(0).padStart(9)} ${ratio.padStart(6)} ${paired.padStart(7)}  ${name}`,
    );
  row(baseline, 'raw reference');
  measured.forEach((pipeline, i) => {
    const rate = median(others[i].map(rateOf));
    const ratio = rate / baseline;
    const paired = median(others[i].map((result, run) => rateOf(result) / rateOf(raw[run])));
    const verdict = pipeline.judged ? `: goal >= ${goal}x ${ratio >= goal ? 'met' : 'NOT met'}` : '';
    row(rate, `${pipeline.name}${verdict}`, `${ratio.toFixed(2)}x`, `${paired.toFixed(2)}x`);
  });
}

async function timedRun(run) {
  const startLoad = load();
  const started = performance.now();
  const result = await run();
  // A pipeline may time itself (the whole pipeline: request → job ended, not the polling around it).
  return { totalMs: performance.now() - started, ...result, load: startLoad };
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-video-'));
  const ports = await findFreeAzuritePorts();
  const azurite = await startAzurite({ ports });
  let measured = [];
  try {
    const onnx = await readFile(path.join(root, 'models/fns-candy/model.onnx'));
    const sha256 = createHash('sha256').update(onnx).digest('hex');
    const source = await makeSource(work);
    const probe = await video.probeVideo({ input: source, subject: 'bench source' });
    const { executionProvider, batchSize } = settings;
    console.log(
      `video ${probe.width}x${probe.height}, ${probe.frameCount} frames at ${video.formatFrameRate(probe.frameRate)} fps, ` +
        `audio ${probe.audio?.codec ?? 'none'}; model fns-candy, raw batch ${batchSize}, ${executionProvider}, ` +
        `${os.availableParallelism()} cores, ${settings.runs} runs each (alternating); load average ${load()}`,
    );
    const session = await openSession(onnx, executionProvider);
    const connection = azuriteConnectionString(ports);
    const storage = new StorageClients(connection);
    measured = pipelines({ video, storage, connection, onnx, sha256, batchSize, executionProvider, source });
    for (const pipeline of measured) await pipeline.start?.();
    const raw = [];
    const others = measured.map(() => []);
    for (let run = 0; run < settings.runs; run++) {
      const output = (name) => path.join(work, `${name}-${run}.mp4`);
      raw.push(
        await timedRun(() =>
          runReference({
            ffmpegPath: ffmpegPath(),
            session,
            source,
            probe,
            output: output('raw'),
            batchSize,
          }),
        ),
      );
      for (const [i, pipeline] of measured.entries()) {
        const result = await timedRun(() =>
          pipeline.run({ source, work, output: output(`p${i}`), runId: `run${run}p${i}` }),
        );
        if (result.frames !== raw[0].frames)
          throw new Error(
            `${pipeline.name} styled ${result.frames} frames, the raw reference ${raw[0].frames}`,
          );
        others[i].push(result);
      }
      console.log(
        `run ${run + 1}: raw ${rateOf(raw[run]).toFixed(2)}, ${others.map((o) => rateOf(o[run]).toFixed(2)).join(', ')} frames/s (load at start ${raw[run].load})`,
      );
    }
    const baseline = report('raw reference (ffmpeg + onnxruntime, one process)', raw);
    measured.forEach((pipeline, i) => report(pipeline.name, others[i], baseline));
    summary(raw, measured, others);
  } finally {
    for (const pipeline of measured) await pipeline.stop?.();
    await azurite.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
