// Reference outputs of an image-to-image model: plain onnxruntime-node in its own process, one frame per
// run. Usage: node styleDirectly.js <model.onnx> <width> <height> <out dir> <frame.png>... → for each
// frame, <out dir>/<name>.rgb: the frame stretched to width×height (sharp, 'fill') if it has another
// size, run as [1,3,H,W] float 0..255, clamped, rounded, and stretched back to the frame's size.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');
const sharp = require('sharp');

async function styleOne(session, png, width, height) {
  const meta = await sharp(png).metadata();
  const same = meta.width === width && meta.height === height;
  const decoded = sharp(png).removeAlpha();
  const input = await (same ? decoded : decoded.resize(width, height, { fit: 'fill' })).raw().toBuffer();
  const pixels = width * height;
  const planes = new Float32Array(3 * pixels);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < 3; c++) planes[c * pixels + p] = input[p * 3 + c];
  const tensor = new ort.Tensor('float32', planes, [1, 3, height, width]);
  const out = await session.run({ [session.inputNames[0]]: tensor });
  const styled = out[session.outputNames[0]].data;
  const bytes = Buffer.alloc(3 * pixels);
  for (let p = 0; p < pixels; p++)
    for (let c = 0; c < 3; c++)
      bytes[p * 3 + c] = Math.round(Math.min(255, Math.max(0, styled[c * pixels + p])));
  if (same) return bytes;
  return sharp(bytes, { raw: { width, height, channels: 3 } })
    .resize(meta.width, meta.height, { fit: 'fill' })
    .raw()
    .toBuffer();
}

(async () => {
  const [model, width, height, outDir, ...frames] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model);
  for (const frame of frames) {
    const rgb = await styleOne(session, fs.readFileSync(frame), Number(width), Number(height));
    fs.writeFileSync(path.join(outDir, `${path.basename(frame, '.png')}.rgb`), rgb);
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
