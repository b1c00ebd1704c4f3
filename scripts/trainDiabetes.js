#!/usr/bin/env node
// Trains the bundled diabetes model (ridge regression → models/diabetes/model.onnx + model.json).
// The logic is src/training/trainDiabetes.ts; run `npm run build` first (npm run train:diabetes does).
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const { trainDiabetes } = require(path.join(root, 'dist/src/training/trainDiabetes.js'));

trainDiabetes({ root }).then(
  ({ card, modelDir }) => {
    const metrics = Object.entries(card.metrics).map(([name, value]) => `${name} ${value.toFixed(4)}`);
    console.log(
      `Trained ${card.name}@${card.version} on ${card.training.rows} rows: ${metrics.join(', ')} (training data)`,
    );
    console.log(`Wrote ${path.relative(root, modelDir)}/model.onnx (sha256 ${card.sha256}) and model.json`);
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
