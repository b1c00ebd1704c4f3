// Partition-stage benchmark of the many-models workload: synthetic weekly sales (1k and 10k series ×
// 4k weeks) split by Store × Brand, with the streaming partitioner and, where the data fits in memory,
// the in-memory baseline, each in its own process (for its own peak RSS), same run, same files.
//   npm run build && node bench/many-models/partition.js
// BENCH_DATA_DIR: where the generated inputs are kept and reused (default: the OS temp folder).
// BENCH_CASES: e.g. "1000x4000" to run one case. BENCH_MEMORY_BUDGET: bytes (default 256 MiB).
// DUCKDB_MODULE: path of an installed @duckdb/node-api, to measure DuckDB's partitioned COPY too.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');
const { execFileSync } = require('node:child_process');
const root = path.resolve(__dirname, '../..');
const { writeSalesData } = require(path.join(root, 'dist/src/manyModels/data/writeSalesData.js'));

const dataDir = process.env.BENCH_DATA_DIR || path.join(os.tmpdir(), 'durable-scoring-many-models');
const budget = Number(process.env.BENCH_MEMORY_BUDGET || 256 * 1024 * 1024);
const cases = (process.env.BENCH_CASES || '1000x4000,10000x4000').split(',').map((text) => {
  const [series, weeks] = text.split('x').map(Number);
  return { series, rows: series * weeks, name: text };
});

async function ensureData({ series, rows }) {
  const file = path.join(dataDir, `sales-${series}x${rows / series}-seed1.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dataDir, { recursive: true });
  const started = Date.now();
  const out = fs.createWriteStream(`${file}.tmp`);
  await writeSalesData(out, { series, rows, seed: 1 });
  out.end();
  await once(out, 'finish');
  fs.renameSync(`${file}.tmp`, file);
  console.log(`generated ${path.basename(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

function runOnce(method, file) {
  const outDir = fs.mkdtempSync(path.join(dataDir, `parts-${method}-`));
  try {
    const args = [path.join(__dirname, 'partitionOnce.js'), method, file, outDir, String(budget)];
    const output = execFileSync(process.execPath, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return JSON.parse(output.trim().split('\n').pop());
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

function report(testCase, bytes, result, note = '') {
  const rate = result.rows / result.seconds;
  console.log(
    `${testCase.name.padEnd(10)} ${result.method.padEnd(10)} ${result.rows} rows ${(bytes / 1e6).toFixed(0)} MB  ` +
      `${result.seconds.toFixed(1)} s  ${(rate / 1e6).toFixed(2)} M rows/s  ` +
      `peak RSS ${(result.maxRssBytes / 2 ** 20).toFixed(0)} MiB${note}`,
  );
}

async function main() {
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, memory budget ${(budget / 2 ** 20).toFixed(0)} MiB`,
  );
  for (const testCase of cases) {
    const file = await ensureData(testCase);
    const bytes = fs.statSync(file).size;
    report(testCase, bytes, runOnce('streaming', file));
    // The baseline holds every row in memory (up to ~2× the file size while buffers grow).
    if (bytes * 2.5 < os.freemem()) report(testCase, bytes, runOnce('in-memory', file));
    else
      console.log(
        `${testCase.name.padEnd(10)} in-memory  skipped: needs ~${((bytes * 2.5) / 2 ** 30).toFixed(1)} GiB, free ${(os.freemem() / 2 ** 30).toFixed(1)} GiB`,
      );
    if (process.env.DUCKDB_MODULE) {
      report(
        testCase,
        bytes,
        runOnce('duckdb', file),
        ' (its own layout: <key>/data_0.csv, values re-quoted)',
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
