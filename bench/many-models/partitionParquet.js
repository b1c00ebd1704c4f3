// Parquet input to the partitioner: the synthetic sales CSV (default 1k series × 4k weeks, 4M rows)
// written once as Parquet (typed columns, row groups of BENCH_ROW_GROUP rows), then partitioned by
// Store × Brand from the Parquet file and from the CSV, alternately, each in its own process (for its
// own peak RSS): the CSV path is the reference, measured in the same run on the same rows.
//   npm run build && node bench/many-models/partitionParquet.js
// BENCH_SERIES, BENCH_ROWS_PER_SERIES (default 1000 × 4000), BENCH_ROW_GROUP (default 100,000),
// BENCH_RUNS (default 3 of each), BENCH_DATA_DIR (default: the OS temp folder; files are reused).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '../..');
const dist = (file) => require(path.join(root, 'dist/src', file));

const series = Number(process.env.BENCH_SERIES || 1000);
const weeks = Number(process.env.BENCH_ROWS_PER_SERIES || 4000);
const rowGroupSize = Number(process.env.BENCH_ROW_GROUP || 100_000);
const runs = Number(process.env.BENCH_RUNS || 3);
const dataDir = process.env.BENCH_DATA_DIR || path.join(os.tmpdir(), 'durable-scoring-many-models');
const base = path.join(dataDir, `sales-${series}x${weeks}-seed1`);

async function ensureCsv() {
  const file = `${base}.csv`;
  if (fs.existsSync(file)) return file;
  const { writeSalesData } = dist('manyModels/data/writeSalesData.js');
  fs.mkdirSync(dataDir, { recursive: true });
  const out = fs.createWriteStream(`${file}.tmp`);
  await writeSalesData(out, { series, rows: series * weeks, seed: 1 });
  out.end();
  await once(out, 'finish');
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** The CSV as Parquet: dates and brands as strings, counts as INT32, the rest as DOUBLE. */
async function ensureParquet(csvFile) {
  const file = `${base}-rg${rowGroupSize}.parquet`;
  if (fs.existsSync(file)) return file;
  const started = performance.now();
  const lines = fs.readFileSync(csvFile, 'utf8').split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).filter((line) => line.length > 0);
  const cells = header.map(() => new Array(rows.length));
  rows.forEach((line, r) => line.split(',').forEach((cell, c) => (cells[c][r] = cell)));
  const strings = new Set(['WeekStarting', 'Brand']);
  const integers = new Set(['Store', 'Quantity', 'Advert']);
  const columnData = header.map((name, c) => {
    if (strings.has(name)) return { name, data: cells[c], type: 'STRING' };
    if (integers.has(name)) return { name, data: Int32Array.from(cells[c], Number), type: 'INT32' };
    return { name, data: Float64Array.from(cells[c], Number), type: 'DOUBLE' };
  });
  const { loadHyparquetWriter } = dist('runtime/formats/loadParquetLibraries.js');
  const writer = await loadHyparquetWriter();
  fs.writeFileSync(`${file}.tmp`, Buffer.from(writer.parquetWriteBuffer({ columnData, rowGroupSize })));
  fs.renameSync(`${file}.tmp`, file);
  console.log(
    `wrote ${path.basename(file)} (${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB) in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return file;
}

/** One partitioning in its own process: seconds, peak RSS, keys and rows. */
function partitionOnce(file) {
  const outDir = fs.mkdtempSync(path.join(dataDir, 'parts-parquet-bench-'));
  try {
    const script = `
      const { partitionFileByKeys } = require(${JSON.stringify(path.join(root, 'dist/src/manyModels/data/partitionCsvByKeys.js'))});
      const started = performance.now();
      partitionFileByKeys(process.argv[1], { keys: ['Store', 'Brand'], outDir: process.argv[2] }).then((index) => {
        const seconds = (performance.now() - started) / 1000;
        const rows = index.partitions.reduce((sum, p) => sum + p.rows, 0);
        console.log(JSON.stringify({ seconds, keys: index.partitions.length, rows, peakRss: process.resourceUsage().maxRSS * 1024 }));
      });`;
    const output = execFileSync(process.execPath, ['-e', script, file, outDir], { encoding: 'utf8' });
    return JSON.parse(output.trim().split('\n').at(-1));
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const csv = await ensureCsv();
  const parquet = await ensureParquet(csv);
  const sizes = { csv: fs.statSync(csv).size, parquet: fs.statSync(parquet).size };
  console.log(
    `node ${process.version}, ${os.cpus().length} cores; ${series} × ${weeks} = ${series * weeks} rows; ` +
      `CSV ${(sizes.csv / 2 ** 20).toFixed(0)} MiB, Parquet ${(sizes.parquet / 2 ** 20).toFixed(0)} MiB ` +
      `(row groups of ${rowGroupSize}); load ${os.loadavg()[0].toFixed(2)}`,
  );
  const results = { csv: [], parquet: [] };
  for (let run = 0; run < runs; run++) {
    for (const [name, file] of [
      ['parquet', parquet],
      ['csv', csv],
    ]) {
      const result = partitionOnce(file);
      results[name].push(result);
      console.log(
        `  ${name.padEnd(8)} ${result.seconds.toFixed(1)} s, ${result.keys} keys, ${result.rows} rows, ` +
          `peak RSS ${(result.peakRss / 2 ** 20).toFixed(0)} MiB`,
      );
    }
  }
  const [p, c] = [results.parquet, results.csv].map((list) => ({
    seconds: median(list.map((r) => r.seconds)),
    rss: median(list.map((r) => r.peakRss)),
    rows: list[0].rows,
  }));
  if (p.rows !== c.rows) console.log(`ROWS DIFFER: Parquet ${p.rows}, CSV ${c.rows}`);
  console.log(
    `\nmedian of ${runs}: Parquet ${p.seconds.toFixed(1)} s (${((p.rows / p.seconds) * 1e-6).toFixed(2)} M rows/s, ` +
      `${(p.rss / 2 ** 20).toFixed(0)} MiB); the same rows as CSV (reference, same run) ${c.seconds.toFixed(1)} s ` +
      `(${((c.rows / c.seconds) * 1e-6).toFixed(2)} M rows/s, ${(c.rss / 2 ** 20).toFixed(0)} MiB); ` +
      `Parquet / CSV time ${(p.seconds / c.seconds).toFixed(2)}×`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
