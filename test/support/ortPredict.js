// Reference predictions for end-to-end tests: plain onnxruntime-node in its own process (not the app's
// worker pool), on rows given as JSON. Usage: node ortPredict.js <model.onnx> <rows.json> → JSON outputs;
// node ortPredict.js --many <runs.json> (an array of { model: <path>, rows }) → an array of JSON outputs.
'use strict';
const ort = require('onnxruntime-node');
const fs = require('node:fs');

async function predict(modelPath, rows) {
  const session = await ort.InferenceSession.create(modelPath);
  const width = rows[0].length;
  const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]);
  const tensorOutputs = session.outputNames.filter((name) => !/output_probability|zipmap/i.test(name));
  const result = await session.run({ [session.inputNames[0]]: input }, tensorOutputs);
  const out = {};
  for (const name of tensorOutputs) out[name] = Array.from(result[name].data, (value) => Number(value));
  return out;
}

(async () => {
  const [first, second] = process.argv.slice(2);
  const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
  const outputs =
    first === '--many'
      ? await Promise.all(read(second).map((run) => predict(run.model, run.rows)))
      : await predict(first, read(second));
  process.stdout.write(JSON.stringify(outputs));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
