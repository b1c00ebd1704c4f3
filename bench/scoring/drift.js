// What measuring drift adds to scoring a partition: one 100k-row CSV partition of diabetes rows
// parsed, scored with the bundled model and formatted in this thread (what an inference worker does),
// with and without the drift bin counts of the model's ten features and of its prediction, alternating
// runs; and the bin counting alone. Run after `npm run build`: node bench/scoring/drift.js [rows] [runs]
'use strict';
const { readFileSync } = require('node:fs');
const { InferenceSession, Tensor } = require('onnxruntime-node');
const { scoreTextPartition } = require('../../dist/src/runtime/inference/textPartition');
const { mapFeatures } = require('../../dist/src/runtime/inference/mapFeatures');
const { toModelSignature } = require('../../dist/src/runtime/inference/readModelSignature');
const { countFeatureBins } = require('../../dist/src/runtime/drift/binCounts');
const { planDrift } = require('../../dist/src/runtime/drift/planDrift');
const { countPredictionBins } = require('../../dist/src/runtime/drift/predictionBins');
const { computeBaseline, computePredictionBaseline } = require('../../dist/src/training/computeBaseline');
const { readNumericTable } = require('../../dist/src/training/readNumericTable');

const rows = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 7);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const csv = readFileSync('test/fixtures/data/diabetes.csv', 'utf8');
  const [header, ...lines] = csv.trim().split('\n');
  const body = Array.from({ length: rows }, (_, i) => lines[i % lines.length]).join('\n') + '\n';
  const bytes = Buffer.from(`${header}\n${body}`);
  const card = JSON.parse(readFileSync('models/diabetes/model.json', 'utf8'));
  const table = readNumericTable(csv, 'diabetes.csv');
  card.training.baseline = computeBaseline(table, card.features);
  const session = await InferenceSession.create(readFileSync('models/diabetes/model.onnx'));
  const columns = header.split(',');
  const mapping = mapFeatures(toModelSignature('diabetes', session), card, columns, columns);
  // The prediction baseline: the model's predictions on the data set's rows.
  const trainingFeatures = Float32Array.from({ length: table.rows * card.features.length }, (_, i) => {
    const column = table.columns.indexOf(card.features[i % card.features.length]);
    return table.values[column][Math.floor(i / card.features.length)];
  });
  const input = new Tensor('float32', trainingFeatures, [table.rows, card.features.length]);
  const predicted = (await session.run({ [session.inputNames[0]]: input })).variable.data;
  card.training.predictionBaseline = computePredictionBaseline(
    [{ name: 'variable', width: 1, values: predicted }],
    table.rows,
  );
  const plan = planDrift(card, mapping.featureColumns, ['variable']);
  const drift = plan.features;
  const partition = { index: 0, start: header.length + 1, end: bytes.length, firstRow: 1, rows };
  const job = (withDrift) => ({
    input: { format: 'csv', delimiter: ',' },
    header: columns,
    bytes: bytes.subarray(partition.start),
    partition,
    schema: { featureColumns: mapping.featureColumns, passThroughColumns: [] },
    mapping,
    drift: withDrift ? drift : undefined,
    predictionDrift: withDrift ? plan.predictions : undefined,
    output: { format: 'csv', includeHeader: true, passThroughColumns: [] },
  });
  const timings = { without: [], with: [] };
  let counted;
  for (let run = -1; run < runs; run++) {
    for (const withDrift of run % 2 === 0 ? [false, true] : [true, false]) {
      const started = performance.now();
      const result = await scoreTextPartition(session, 'diabetes', job(withDrift));
      if (run >= 0) timings[withDrift ? 'with' : 'without'].push(performance.now() - started);
      if (withDrift) counted = result;
    }
  }
  const features = new Float32Array(rows * mapping.featureColumns.length).map(
    (_, i) => table.values[i % 10][Math.floor(i / 10) % table.rows],
  );
  const countRuns = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    countFeatureBins(features, rows, mapping.featureColumns.length, drift);
    countRuns.push(performance.now() - started);
  }
  const without = median(timings.without);
  const withDrift = median(timings.with);
  console.log(`${rows} rows, ${drift.length} features, median of ${runs} runs (this thread)`);
  console.log(`partition without drift: ${without.toFixed(1)} ms`);
  console.log(
    `partition with drift:    ${withDrift.toFixed(1)} ms (${(((withDrift - without) / without) * 100).toFixed(1)}%)`,
  );
  console.log(
    `bin counting alone:      ${median(countRuns).toFixed(2)} ms (${((median(countRuns) * 1e6) / rows / drift.length).toFixed(1)} ns per value)`,
  );
  const predictions = [
    { name: 'variable', width: 1, values: new Float32Array(rows).map((_, r) => predicted[r % table.rows]) },
  ];
  const predictionRuns = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    countPredictionBins(predictions, rows, plan.predictions);
    predictionRuns.push(performance.now() - started);
  }
  console.log(`prediction bins alone:   ${median(predictionRuns).toFixed(2)} ms (1 output)`);
  console.log(
    `rows counted: ${counted.binCounts[0].reduce((a, b) => a + b, 0)} (inputs), ${counted.predictionBinCounts[0].reduce((a, b) => a + b, 0)} (predictions)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
