// Stage timing for the profile runs, without touching src/: preloaded into the host with
//   BENCH_HOST_NODE_ARGS="--require ./bench/scoring/stageTimer.js"
// it wraps the dist/ functions each stage goes through (the host loads the app with require, so it gets
// these same module instances) and prints `[stage] <name> <ms> <bytes>` after each call. Stages of
// concurrent partitions overlap: their sums are partition-seconds, not wall time.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const load = (file) => require(path.join(root, 'dist/src', file));

function wrap(owner, key, stage, bytesOf = () => 0) {
  const original = owner[key];
  if (typeof original !== 'function') throw new Error(`stageTimer: ${stage} (${key}) is not a function`);
  owner[key] = async function timed(...args) {
    const started = performance.now();
    let bytes = 0;
    try {
      const result = await original.apply(this, args);
      bytes = bytesOf(result, args);
      return result;
    } finally {
      process.stdout.write(`[stage] ${stage} ${(performance.now() - started).toFixed(1)} ${bytes}\n`);
    }
  };
}

const lengthOf = (value) => value?.length ?? value?.bytes?.length ?? 0;

wrap(
  load('host/triggers/blob/readBlobVersion.js'),
  'readBlobVersion',
  'trigger.read',
  (blob) => blob?.bytes?.length ?? 0,
);
const { formatRegistry } = load('runtime/formats/formatRegistry.js');
wrap(formatRegistry.csv.reader, 'layout', 'prepare.planPass');
wrap(formatRegistry.csv.reader, 'numericColumns', 'prepare.sampleColumns');
wrap(formatRegistry.csv.reader, 'parse', 'partition.download+parse', (batch) => batch.rowCount);
wrap(load('runtime/formats/blobReads.js'), 'downloadRange', 'partition.download', lengthOf);
wrap(load('runtime/inference/PoolModelRunner.js').PoolModelRunner.prototype, 'scoreBatch', 'partition.infer');
wrap(formatRegistry.csv.writer, 'write', 'partition.formatOutput', lengthOf);
const { BlockBlobClient } = require(path.join(root, 'node_modules/@azure/storage-blob'));
wrap(BlockBlobClient.prototype, 'stageBlock', 'partition.stageBlock', (_result, args) => args[2] ?? 0);
wrap(BlockBlobClient.prototype, 'commitBlockList', 'commit.commitBlockList');
const { JobStore } = load('scoring/JobStore.js');
wrap(JobStore.prototype, 'savePartition', 'state.savePartition');
wrap(JobStore.prototype, 'update', 'state.updateJob');
