// The video feature's own steps, in this process, without orchestration or dispatch: probe, split into
// PNG frames and audio, upload the frames to blob storage, the styleFrames handler, download the styled
// frames, assemble the H.264 MP4. The dispatched pipeline adds queues, workers and durable steps on top.
'use strict';
const { mkdir, readdir } = require('node:fs/promises');
const path = require('node:path');

async function timed(timings, stage, work) {
  const started = performance.now();
  const result = await work();
  timings[stage] = (timings[stage] ?? 0) + performance.now() - started;
  return result;
}

async function runStages({
  video,
  storage,
  onnx,
  sha256,
  source,
  work,
  output,
  batchSize,
  executionProvider,
  runId,
}) {
  const handler = video.createStyleFrames({ readModel: async () => onnx });
  const timings = {};
  const container = await storage.ensureContainer('video-work');
  const probe = await timed(timings, 'probe', () =>
    video.probeVideo({ input: source, subject: 'bench video' }),
  );
  const framesDir = path.join(work, `${runId}-frames`);
  const styledDir = path.join(work, `${runId}-styled`);
  await mkdir(framesDir);
  await mkdir(styledDir);
  const audioFile = probe.audio ? path.join(work, `${runId}-audio.mka`) : undefined;
  const { frameCount } = await timed(timings, 'split', () =>
    video.splitVideo({ input: source, subject: 'bench video', framesDir, audioFile }),
  );
  await timed(timings, 'upload', async () => {
    const files = await readdir(framesDir);
    await Promise.all(
      files.map((file) =>
        container.getBlockBlobClient(`${runId}/frames/${file}`).uploadFile(path.join(framesDir, file)),
      ),
    );
  });
  const payload = {
    model: { name: 'fns-candy', version: 1, sha256 },
    container: 'video-work',
    framesPrefix: `${runId}/frames/`,
    outputPrefix: `${runId}/styled/`,
    first: 1,
    last: frameCount,
    batchSize,
  };
  const context = { storage, executionProvider, cancelled: async () => false, log: () => undefined };
  const styled = await timed(timings, 'style', () => handler(payload, context));
  await timed(timings, 'download', () =>
    Promise.all(
      Array.from({ length: frameCount }, (_, i) => {
        const name = video.frameBlobName('', i + 1);
        return container
          .getBlockBlobClient(`${runId}/styled/${name}`)
          .downloadToFile(path.join(styledDir, name));
      }),
    ),
  );
  await timed(timings, 'assemble', () =>
    video.assembleVideo({
      framesDir: styledDir,
      frameRate: probe.frameRate,
      audio: audioFile && { file: audioFile, codec: probe.audio.codec },
      output,
      codec: 'h264',
      subject: 'bench',
    }),
  );
  // Inside the handler: the sums of its per-batch stage times (reading overlaps inference).
  for (const stage of ['readMs', 'decodeMs', 'inferenceMs', 'encodeMs', 'writeMs'])
    timings[`  handler ${stage.replace('Ms', '')}`] = styled.batches.reduce(
      (sum, batch) => sum + batch[stage],
      0,
    );
  return { frames: styled.frames, timings };
}

module.exports = { runStages };
