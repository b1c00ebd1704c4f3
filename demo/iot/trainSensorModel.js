#!/usr/bin/env node
// Trains the IoT demo's model with the project's ridge trainer: simulated readings (sensorReadings.js,
// with their hidden wear) are aggregated per device in 10 s windows, and the model learns a window's mean
// wear (0 healthy, 1 worn out) from its aggregates. Writes models/sensor-anomaly/model.onnx and
// model.json. Run `npm run build` first (npm run train:sensors does).
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { trainRidgeModel } = require(path.join(root, 'dist/src/training/trainRidgeModel.js'));
const { formatModelCard } = require(path.join(root, 'dist/src/runtime/models/formatModelCard.js'));
const { sensorReadings } = require('./sensorReadings');
const { windowAggregates } = require('./windowAggregates');
const definition = require('./streams/sensors.json');

const seed = 7;
const devices = 200;
const minutes = 30;
const windowMs = 10_000;

function main() {
  const features = definition.features;
  const readings = sensorReadings({
    devices,
    startMs: Date.UTC(2026, 0, 1),
    durationMs: minutes * 60_000,
    seed,
    wearRate: 0.01,
    labels: true,
  });
  const windows = windowAggregates(readings, { sizeMs: windowMs, features: [...features, 'wear_mean'] });
  const columns = [...features, 'wear_mean'];
  const values = columns.map((name) => Float64Array.from(windows, (w) => w.features[name]));
  const table = { columns, values, rows: windows.length };
  const trained = trainRidgeModel(table, {
    name: 'sensor-anomaly',
    version: 1,
    description:
      "A device's wear in a 10 s window (0 healthy, 1 worn out), estimated from the window's sensor aggregates (IoT streaming demo, simulated data).",
    features,
    target: 'wear_mean',
    alpha: 1,
    dataReference: `demo/iot/trainSensorModel.js: ${devices} devices, ${minutes} min of 1 s readings, seed ${seed}, 10 s windows`,
    tags: { dataset: 'simulated-iot', demo: 'iot' },
    stage: 'production',
    createdAt: new Date(),
  });
  const modelDir = path.join(root, 'models', 'sensor-anomaly');
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(path.join(modelDir, 'model.onnx'), trained.onnx);
  writeFileSync(path.join(modelDir, 'model.json'), formatModelCard(trained.card));
  const metrics = Object.entries(trained.card.metrics).map(([name, value]) => `${name} ${value.toFixed(4)}`);
  console.log(`Trained sensor-anomaly@1 on ${windows.length} windows: ${metrics.join(', ')} (training data)`);
  console.log(`Wrote models/sensor-anomaly/model.onnx (sha256 ${trained.card.sha256}) and model.json`);
}

main();
