#!/usr/bin/env node
// Micro-benchmark of the CSV input path: planCsvPartitions (one streaming pass over 64 KiB chunks)
// + parseCsvPartition (every partition) on a generated 10-feature, 1M-row CSV held in memory.
// Prints rows/s (median of 5 runs) next to the reference. Build first: npx tsc -p tsconfig.build.json
// Usage: node bench/scoring/parse-csv.js [rows] [targetPartitionMiB]
'use strict';
const path = require('node:path');
const { planCsvPartitions, parseCsvPartition } = require(
  path.join(__dirname, '../../dist/src/runtime/formats'),
);

const ROWS = Number(process.argv[2] ?? 1_000_000);
const TARGET_BYTES = Number(process.argv[3] ?? 8) * 1024 * 1024;
const RUNS = 5;
const CHUNK_BYTES = 64 * 1024;
const FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const REFERENCE =
  'hand-written Node CSV parse + ORT on one core ≈ 780k rows/s (brief); parsing alone should be well above 1M rows/s';

/** Rows shaped like scikit-learn's raw diabetes data (integers and 1-4 decimals), from a fixed seed. */
function generateCsv(rows) {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  const lines = [FEATURES.join(',')];
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        19 + Math.floor(random() * 60),
        1 + Math.floor(random() * 2),
        (18 + random() * 24).toFixed(1),
        (62 + random() * 71).toFixed(2),
        97 + Math.floor(random() * 204),
        (41.6 + random() * 200).toFixed(1),
        22 + Math.floor(random() * 78),
        (2 + random() * 7).toFixed(2),
        (3.2 + random() * 3).toFixed(4),
        58 + Math.floor(random() * 66),
      ].join(','),
    );
  }
  return Buffer.from(lines.join('\n') + '\n');
}

async function* chunksOf(bytes) {
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) yield bytes.subarray(i, i + CHUNK_BYTES);
}

async function runOnce(bytes) {
  const schema = { featureColumns: FEATURES, passThroughColumns: [] };
  const t0 = process.hrtime.bigint();
  const plan = await planCsvPartitions(chunksOf(bytes), bytes.length, {}, TARGET_BYTES);
  const t1 = process.hrtime.bigint();
  let good = 0;
  for (const partition of plan.partitions) {
    const batch = parseCsvPartition(
      bytes.subarray(partition.start, partition.end),
      partition,
      plan.header,
      schema,
    );
    good += batch.rowCount;
  }
  const t2 = process.hrtime.bigint();
  if (good !== ROWS || plan.totalRows !== ROWS) throw new Error(`parsed ${good} of ${ROWS} rows`);
  return { plan: Number(t1 - t0) / 1e9, parse: Number(t2 - t1) / 1e9, partitions: plan.partitions.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (seconds) => `${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s`;

async function main() {
  const bytes = generateCsv(ROWS);
  console.log(
    `CSV: ${ROWS.toLocaleString('en-US')} rows × ${FEATURES.length} features, ${(bytes.length / 1048576).toFixed(1)} MiB`,
  );
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(bytes));
  const plan = median(runs.map((run) => run.plan));
  const parse = median(runs.map((run) => run.parse));
  const total = median(runs.map((run) => run.plan + run.parse));
  console.log(`partitions: ${runs[0].partitions} of ~${TARGET_BYTES / 1048576} MiB; median of ${RUNS} runs:`);
  console.log(`  planCsvPartitions        ${plan.toFixed(3)} s  ${rate(plan)}`);
  console.log(`  parseCsvPartition (all)  ${parse.toFixed(3)} s  ${rate(parse)}`);
  console.log(`  plan + parse             ${total.toFixed(3)} s  ${rate(total)}`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  console.log(`reference: ${REFERENCE}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
