// The raw reference: ffmpeg decodes the video to RGB frames in memory, onnxruntime styles them in
// batches in this process, ffmpeg encodes them back to H.264 with the source's audio. No blobs, no PNG,
// no orchestration: what the machine can do with this model and these frames.
'use strict';
const { spawn } = require('node:child_process');
const ort = require('onnxruntime-node');

function ffmpeg(ffmpegPath, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], {
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out = [];
    let err = '';
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg: ${err}`)),
    );
    if (input) {
      child.stdin.on('error', reject);
      child.stdin.end(input);
    }
  });
}

/** Styles `frames` (HWC RGB buffers) in batches; returns the styled HWC buffers. */
async function styleAll(session, frames, width, height, batchSize, timings) {
  const pixels = width * height;
  const styled = [];
  for (let first = 0; first < frames.length; first += batchSize) {
    const batch = frames.slice(first, first + batchSize);
    let started = performance.now();
    const planes = new Float32Array(batch.length * 3 * pixels);
    batch.forEach((rgb, b) => {
      const offset = b * 3 * pixels;
      for (let p = 0; p < pixels; p++)
        for (let c = 0; c < 3; c++) planes[offset + c * pixels + p] = rgb[p * 3 + c];
    });
    timings.convert += performance.now() - started;
    started = performance.now();
    const input = new ort.Tensor('float32', planes, [batch.length, 3, height, width]);
    const out = await session.run({ [session.inputNames[0]]: input });
    timings.inference += performance.now() - started;
    started = performance.now();
    const data = out[session.outputNames[0]].data;
    batch.forEach((_, b) => {
      const offset = b * 3 * pixels;
      const rgb = Buffer.allocUnsafe(3 * pixels);
      for (let p = 0; p < pixels; p++)
        for (let c = 0; c < 3; c++)
          rgb[p * 3 + c] = Math.round(Math.min(255, Math.max(0, data[offset + c * pixels + p])));
      styled.push(rgb);
    });
    timings.convert += performance.now() - started;
  }
  return styled;
}

/** One run of the raw reference; the model session is opened by the caller (not timed). */
async function runReference({ ffmpegPath, session, source, probe, output, batchSize }) {
  const { width, height } = probe;
  const timings = { decode: 0, convert: 0, inference: 0, encode: 0 };
  let started = performance.now();
  const raw = await ffmpeg(ffmpegPath, [
    '-i',
    source,
    '-map',
    '0:v:0',
    '-vsync',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ]);
  const frameBytes = width * height * 3;
  const frames = [];
  for (let offset = 0; offset + frameBytes <= raw.length; offset += frameBytes)
    frames.push(raw.subarray(offset, offset + frameBytes));
  timings.decode = performance.now() - started;
  const styled = await styleAll(session, frames, width, height, batchSize, timings);
  started = performance.now();
  const rate = `${probe.frameRate.numerator}/${probe.frameRate.denominator}`;
  const audio = probe.audio ? ['-i', source, '-map', '0:v:0', '-map', '1:a:0', '-c:a', 'copy'] : [];
  await ffmpeg(
    ffmpegPath,
    [
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${width}x${height}`,
      '-framerate',
      rate,
      '-i',
      'pipe:0',
      ...audio,
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
      '-y',
      output,
    ],
    Buffer.concat(styled),
  );
  timings.encode = performance.now() - started;
  return { frames: frames.length, timings };
}

module.exports = {
  runReference,
  openSession: (onnx, ep) => ort.InferenceSession.create(onnx, { executionProviders: [ep] }),
};
