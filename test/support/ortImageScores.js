// Reference scores for image tests: plain onnxruntime-node in its own process (not the app's worker
// pool), one run per image. Usage: node ortImageScores.js <model.onnx> <tensors.f32> <dims.json>, where
// tensors.f32 holds the images' float32 tensors one after another and dims.json one image's dims
// (e.g. [1,3,224,224]) → a JSON array with each image's first output, as numbers. A uint8 input gets
// the values as uint8.
'use strict';
const ort = require('onnxruntime-node');
const fs = require('node:fs');

(async () => {
  const [modelPath, tensorsPath, dimsPath] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(modelPath);
  const type = session.inputMetadata[0].type;
  const dims = JSON.parse(fs.readFileSync(dimsPath, 'utf8'));
  const bytes = fs.readFileSync(tensorsPath);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const size = dims.reduce((a, b) => a * b, 1);
  const scores = [];
  for (let at = 0; at < all.length; at += size) {
    const values = all.slice(at, at + size);
    const input =
      type === 'uint8'
        ? new ort.Tensor('uint8', Uint8Array.from(values), dims)
        : new ort.Tensor('float32', values, dims);
    const result = await session.run({ [session.inputNames[0]]: input });
    scores.push(Array.from(result[session.outputNames[0]].data, Number));
  }
  process.stdout.write(JSON.stringify(scores));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
