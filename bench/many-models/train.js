// End-to-end benchmark of the many-models workload: synthetic weekly sales (S series × R weeks)
// partitioned by Store × Brand, the partitions uploaded to an in-memory Azurite, then
// POST /api/many-models/train on the real host (child process) and polled to completion, then the
// forecast horizon (the next BENCH_HORIZON weeks of every series, default 8) scored with one model per
// key (POST /api/jobs with model: { name, partitionBy }). Prints per
// stage wall time, keys/s and rows/s, the run report's counts and failure reasons, the host's peak RSS
// and CPU, Azurite's CPU, a per-key cost breakdown measured in this process (trainProbe.js), the
// in-memory pandas + scikit-learn loop measured in this run on the same files (sklearnReference.py),
// the published sizing, and a labelled extrapolation to 10k series.
//   npm run build && node bench/many-models/train.js
// BENCH_SERIES, BENCH_ROWS_PER_SERIES: the data set's shape (default 1000 × 4000; 100 × 4000 is the quick check).
// BENCH_DATA_DIR: where the generated CSV is kept and reused (default: the OS temp folder).
// BENCH_TRAIN_BODY: JSON merged into the POST body (e.g. {"keysPerActivity":8,"concurrency":4}).
// BENCH_PROBE_KEYS: keys timed step by step after the run (default 20; 0 skips the probe).
// BENCH_REFERENCE=0 skips the scikit-learn reference; BENCH_PYTHON picks its Python (sklearnReference.js).
// BENCH_TIMEOUT_MINUTES: give up polling after this long (default 60).
// BENCH_HOST_NODE_ARGS, BENCH_AZURITE_NODE_ARGS: extra node flags for the host and for Azurite
//   (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"; summarize with bench/scoring/summarizeProfile.js).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');
const { findAzuritePid, memoryOf } = require('../scoring/hostProcess');
const { trainRun } = require('./trainRun');
const { probeKeys } = require('./trainProbe');
const { printReport } = require('./trainReport');
const { measureSklearnReference } = require('./sklearnReference');

const root = path.resolve(__dirname, '../..');
const dist = (file) => require(path.join(root, 'dist/src', file));
const { generateSalesWeeks, SALES_HEADER } = dist('manyModels/data/generateSalesWeeks.js');
const { partitionCsvByKeys } = dist('manyModels/data/partitionCsvByKeys.js');
const { uploadPartitions } = dist('manyModels/data/uploadPartitions.js');
const { startAzurite, findFreeAzuritePorts } = dist('host/azurite/startAzurite.js');
const { azuriteConnectionString } = dist('host/storage/StorageConnection.js');
const { BlobServiceClient } = require(path.join(root, 'node_modules/@azure/storage-blob'));

const series = Number(process.env.BENCH_SERIES || 1000);
const rowsPerSeries = Number(process.env.BENCH_ROWS_PER_SERIES || 4000);
const rows = series * rowsPerSeries;
const dataDir = process.env.BENCH_DATA_DIR || path.join(os.tmpdir(), 'durable-scoring-many-models');
const probeCount = Number(process.env.BENCH_PROBE_KEYS ?? 20);
const horizon = Number(process.env.BENCH_HORIZON || 8);

/**
 * The training file (R weeks of every series) and the scoring file (the next `horizon` weeks), from one
 * pass of the generator over R + horizon weeks: the first R weeks are the same bytes a generator of R
 * weeks writes. Kept in dataDir and reused.
 */
async function ensureData() {
  const base = path.join(dataDir, `sales-${series}x${rowsPerSeries}-seed1`);
  const files = { train: `${base}.csv`, score: `${base}-next${horizon}.csv` };
  if (fs.existsSync(files.train) && fs.existsSync(files.score)) return files;
  fs.mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  const writeTrain = !fs.existsSync(files.train);
  const train = writeTrain ? fs.createWriteStream(`${files.train}.tmp`) : undefined;
  const score = fs.createWriteStream(`${files.score}.tmp`);
  train?.write(`${SALES_HEADER}\n`);
  score.write(`${SALES_HEADER}\n`);
  for (const week of generateSalesWeeks({ series, rows: series * (rowsPerSeries + horizon), seed: 1 })) {
    const out = week.week < rowsPerSeries ? train : score;
    if (out && !out.write(week.text)) await once(out, 'drain');
  }
  for (const out of [train, score].filter(Boolean)) {
    out.end();
    await once(out, 'finish');
  }
  if (writeTrain) fs.renameSync(`${files.train}.tmp`, files.train);
  fs.renameSync(`${files.score}.tmp`, files.score);
  console.log(
    `generated ${path.basename(base)} (+ ${horizon} weeks to score) in ${seconds(started).toFixed(1)} s`,
  );
  return files;
}

function seconds(since) {
  return (performance.now() - since) / 1000;
}

function load() {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

async function main() {
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
      `${series} series × ${rowsPerSeries} rows = ${rows} rows; load average ${load()}`,
  );
  const { train: file, score: scoreFile } = await ensureData();
  const stages = { bytes: fs.statSync(file).size, rows, series };
  const outDir = fs.mkdtempSync(path.join(dataDir, 'train-parts-'));
  const ports = await findFreeAzuritePorts();
  // An in-memory Azurite holding GBs of partitions runs into its V8 heap limit and stalls in GC: large
  // data sets get an on-disk Azurite (as npm start uses) in a folder removed at the end.
  const azuriteDir =
    stages.bytes > 512 * 2 ** 20 ? fs.mkdtempSync(path.join(dataDir, 'azurite-')) : undefined;
  console.log(`Azurite: ${azuriteDir ? `on disk in ${azuriteDir}` : 'in memory'}`);
  const nodeArgs = process.env.BENCH_AZURITE_NODE_ARGS?.split(' ').filter(Boolean);
  const azurite = await startAzurite({ ports, location: azuriteDir, nodeArgs });
  try {
    fs.rmSync(outDir, { recursive: true, force: true });
    let started = performance.now();
    const index = await partitionCsvByKeys(file, { keys: ['Store', 'Brand'], outDir });
    stages.partition = {
      seconds: seconds(started),
      keys: index.partitions.length,
      load: load(),
      // The bench process's peak so far (generation included when it ran): an upper bound for the partitioner.
      peakRss: process.resourceUsage().maxRSS * 1024,
    };

    const connection = azuriteConnectionString(ports);
    const blobs = BlobServiceClient.fromConnectionString(connection);
    const id = Date.now().toString(36);
    const dataContainer = `mm-data-${id}`;
    const container = blobs.getContainerClient(dataContainer);
    await container.createIfNotExists();
    started = performance.now();
    await uploadPartitions(outDir, container, 'sales');
    stages.upload = { seconds: seconds(started), load: load() };
    fs.rmSync(outDir, { recursive: true, force: true });

    const azuritePid = findAzuritePid();
    const run = await trainRun({ connection, azuritePid, dataContainer, id, load, scoreFile });
    stages.train = run;
    // Azurite stands in for Azure Storage (not part of the app's footprint), but shares the machine.
    stages.azuritePeakRss = memoryOf(azuritePid).hwm;
    const probe =
      probeCount > 0 && run.report
        ? await probeKeys({ connection, dataContainer, partitions: index.partitions.slice(0, probeCount) })
        : undefined;
    // After the project's stages (the machine is then as quiet as it was for them), on the same files.
    stages.sklearn = measureSklearnReference(file, scoreFile);
    printReport(stages, probe, load());
    if (!run.report || run.runtimeStatus !== 'Completed' || run.score?.status !== 'Succeeded')
      process.exitCode = 1;
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
    await azurite.stop();
    if (azuriteDir) fs.rmSync(azuriteDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
