#!/usr/bin/env node
// Video style transfer benchmark (not a test): frames/s of the raw reference (ffmpeg decode +
// onnxruntime + ffmpeg encode in one process) next to the video feature's steps on blob storage, on the
// same generated video, alternating, medians of BENCH_RUNS runs, with per-stage times.
// Settings: BENCH_RUNS (3), BENCH_SIZE (720x720), BENCH_FPS (8), BENCH_SECONDS (2), BENCH_BATCH (4),
// BENCH_EP (cpu | cuda). Run `npm run build` first.
'use strict';
const { createHash } = require('node:crypto');
const { mkdtemp, readFile, rm } = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { runReference, openSession } = require('./reference');
const { runStages } = require('./stages');

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
  seconds: Number(process.env.BENCH_SECONDS ?? 2),
  batchSize: Number(process.env.BENCH_BATCH ?? 4),
  executionProvider: process.env.BENCH_EP ?? 'cpu',
};

/**
 * The pipelines measured against the raw reference. The whole pipeline (POST /api/videos → styleVideo
 * → dispatched workers) joins this list once the orchestration exists: { name, run(context) → { frames,
 * timings } }, where context has source, work, output and runId.
 */
function pipelines(shared) {
  return [
    {
      name: 'video steps on blobs, no orchestration',
      run: (context) => runStages({ ...shared, ...context }),
    },
  ];
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

function report(name, results, baseline) {
  const rates = results.map((r) => (r.frames / r.totalMs) * 1000);
  const rate = median(rates);
  const ratio = baseline === undefined ? '' : ` = ${(rate / baseline).toFixed(2)}x raw`;
  console.log(
    `\n${name}: ${rate.toFixed(2)} frames/s median (runs ${rates.map((r) => r.toFixed(2)).join(', ')})${ratio}`,
  );
  for (const stage of Object.keys(results[0].timings)) {
    const ms = median(results.map((r) => r.timings[stage]));
    console.log(
      `  ${stage.padEnd(20)} ${(ms / 1000).toFixed(2)} s  (${(ms / results[0].frames).toFixed(0)} ms/frame)`,
    );
  }
  return rate;
}

async function timedRun(run) {
  const started = performance.now();
  const result = await run();
  return { ...result, totalMs: performance.now() - started };
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-video-'));
  const ports = await findFreeAzuritePorts();
  const azurite = await startAzurite({ ports });
  try {
    const onnx = await readFile(path.join(root, 'models/fns-candy/model.onnx'));
    const sha256 = createHash('sha256').update(onnx).digest('hex');
    const source = await makeSource(work);
    const probe = await video.probeVideo({ input: source, subject: 'bench source' });
    const { executionProvider, batchSize } = settings;
    console.log(
      `video ${probe.width}x${probe.height}, ${probe.frameCount} frames at ${video.formatFrameRate(probe.frameRate)} fps, ` +
        `audio ${probe.audio?.codec ?? 'none'}; model fns-candy, batch ${batchSize}, ${executionProvider}, ` +
        `${os.availableParallelism()} cores, ${settings.runs} runs each (alternating)`,
    );
    const session = await openSession(onnx, executionProvider);
    const storage = new StorageClients(azuriteConnectionString(ports));
    const measured = pipelines({ video, storage, onnx, sha256, batchSize, executionProvider });
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
      for (const [i, pipeline] of measured.entries())
        others[i].push(
          await timedRun(() =>
            pipeline.run({ source, work, output: output(`p${i}`), runId: `run${run}p${i}` }),
          ),
        );
    }
    const baseline = report('raw reference (ffmpeg + onnxruntime, one process)', raw);
    measured.forEach((pipeline, i) => report(pipeline.name, others[i], baseline));
    console.log(
      '\nwhole pipeline (POST /api/videos, dispatched workers): not measured yet, the styleVideo orchestration is not wired',
    );
  } finally {
    await azurite.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
