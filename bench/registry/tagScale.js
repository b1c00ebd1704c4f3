// Registry at scale: how registering, resolving by tags and listing one model's versions behave as the
// model grows to 10k+ versions. For each N in BENCH_VERSIONS, in one in-memory Azurite (a fresh table,
// container and model name per N), N versions of one model are registered as trainMany registers keys:
// registerAll batches of BENCH_BATCH keys, BENCH_CONCURRENCY batches at a time, each version a distinct
// tiny ONNX linear model checked with onnxruntime, tagged Store (N/3 values) × Brand (3 values) plus the
// trainMany tags (algorithm, trainingRun, trainingKey, the idempotency key). Then, timed:
//   - resolve by the full key: registry.resolve({ name, tags: { Store, Brand } }) (the tag index; what
//     registerCandidate resolves through), BENCH_SAMPLES random keys, median and p90;
//   - resolve by one tag: Store alone (a few versions each) and Brand alone (N/3 versions each);
//   - catalog(name), what keyed scoring plans from (planKeyedScoring), median of 3;
//   - the reference, measured in the same run: a plain scan of every version row of the model with the
//     @azure/data-tables client (no index; only the version and tags columns) filtered by tags in JS,
//     median of 3.
// Every resolution is checked (the version registered with exactly the tags asked for); the count of
// those that are not is printed as "mismatches". Table requests and rows read per call are counted
// (each page of a query is a request): what the same calls cost against Azure Table storage, where a
// range of a partition is read through its row-key index. Azurite instead evaluates every query page
// against every row of the table, so its times for range reads grow with the whole table.
//   npm run build && node bench/registry/tagScale.js
// BENCH_VERSIONS: comma-separated version counts (default "1000,10000"; e.g. "1000,10000,30000").
// BENCH_SAMPLES: keys resolved per N (default 50). BENCH_SEED: the key sample's seed (default 1).
// BENCH_BATCH, BENCH_CONCURRENCY: registrations per registerAll call and calls at once (default 16 and 8,
//   trainMany's keysPerActivity and concurrency).
// BENCH_AZURITE_NODE_ARGS: extra node flags for Azurite (e.g. "--max-old-space-size=4096").
'use strict';
const os = require('node:os');
const path = require('node:path');
const { createHash } = require('node:crypto');

const root = path.resolve(__dirname, '../..');
const dist = (file) => require(path.join(root, 'dist/src', file));
const { startAzurite, findFreeAzuritePorts } = dist('host/azurite/startAzurite.js');
const { azuriteConnectionString } = dist('host/storage/StorageConnection.js');
const { StorageClients } = dist('storage/StorageClients.js');
const { ModelRegistry } = dist('models/registry/ModelRegistry.js');
const { PoolModelInspector } = dist('models/registry/ModelInspector.js');
const { InferencePool } = dist('runtime/inference/InferencePool.js');
const { linearModelToOnnx } = dist('training/linearModelToOnnx.js');
const { pickKeyedVersions } = dist('manyModels/scoring/keyedModels.js');
const { BRANDS } = dist('manyModels/data/SalesSeries.js');
const { TableClient, odata } = require(path.join(root, 'node_modules/@azure/data-tables'));

const counts = (process.env.BENCH_VERSIONS || '1000,10000')
  .split(',')
  .map((text) => Number(text.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const samples = Number(process.env.BENCH_SAMPLES || 50);
const batchSize = Number(process.env.BENCH_BATCH || 16);
const concurrency = Number(process.env.BENCH_CONCURRENCY || 8);
const seed = Number(process.env.BENCH_SEED || 1);
const firstVersionKey = '0000000000';
const lastVersionKey = '9999999999';
const versionRowsOf = (name) =>
  odata`PartitionKey eq ${name} and RowKey ge ${firstVersionKey} and RowKey le ${lastVersionKey}`;

/** StorageClients whose table clients count requests (a point read, a query page) and rows read. */
class CountingStorage extends StorageClients {
  reads = { requests: 0, rows: 0 };
  #wrapped = new Map();

  async table(name) {
    const client = await super.table(name);
    let wrapped = this.#wrapped.get(client);
    if (!wrapped) {
      wrapped = countingTable(client, this.reads);
      this.#wrapped.set(client, wrapped);
    }
    return wrapped;
  }
}

function countingTable(client, reads) {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'listEntities') return (...args) => countedPages(target.listEntities(...args), reads);
      if (property === 'getEntity')
        return async (...args) => {
          reads.requests++;
          const entity = await target.getEntity(...args);
          reads.rows++;
          return entity;
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A query whose pages (a request each) are counted, read entity by entity or page by page. */
function countedPages(query, reads) {
  async function* pages(settings) {
    for await (const page of query.byPage(settings)) {
      reads.requests++;
      reads.rows += page.length;
      yield page;
    }
  }
  return {
    byPage: pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
  };
}

/** A small deterministic generator (mulberry32), so that runs sample the same keys. */
function random(state) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Key i of N: Store 1..ceil(N/3) × the three brands, as the many-models data is partitioned. */
function keyOf(i) {
  return { Store: String(Math.floor(i / BRANDS.length) + 1), Brand: BRANDS[i % BRANDS.length] };
}

function request(name, runId, i) {
  const key = keyOf(i);
  // Distinct bytes per version (as trained models are): its own weights and intercept.
  const onnx = Buffer.from(
    linearModelToOnnx({ weights: Float64Array.of(0.5, -1.2, (i % 97) / 97), intercept: i / 7 }),
  );
  const trainingKey = `${runId}/Store=${key.Store}/Brand=${key.Brand}.csv`;
  return {
    name,
    onnx,
    card: {
      description: `Forecast of Quantity for Store=${key.Store}, Brand=${key.Brand}`,
      features: ['Price', 'Advert', 'week'],
      outputs: ['variable'],
      task: 'regression',
      tags: { ...key, algorithm: 'ridge', trainingRun: runId, trainingKey },
      metrics: { mape: 10 + (i % 13), rmse: 1000 + i },
      training: {
        data: `sales/sales/Store=${key.Store}/Brand=${key.Brand}.csv`,
        sha256: createHash('sha256').update(trainingKey).digest('hex'),
        rows: 4000,
      },
    },
    producer: `trainMany run ${runId}`,
    idempotencyKey: trainingKey,
  };
}

/** Registers versions 0..n-1 in registerAll batches, `concurrency` batches at once; key index → version. */
async function registerVersions(registry, name, runId, n) {
  const versionOf = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + batchSize);
      const indexes = Array.from({ length: next - from }, (_, j) => from + j);
      const outcomes = await registry.registerAll(
        name,
        indexes.map((i) => request(name, runId, i)),
      );
      outcomes.forEach((outcome, j) => {
        if (outcome.status === 'rejected') throw outcome.reason;
        versionOf[indexes[j]] = outcome.value.version;
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return versionOf;
}

/** Runs `work` and returns its result, milliseconds and the table requests and rows it read. */
async function measure(storage, work) {
  const before = { ...storage.reads };
  const started = performance.now();
  const result = await work();
  return {
    result,
    ms: performance.now() - started,
    requests: storage.reads.requests - before.requests,
    rows: storage.reads.rows - before.rows,
  };
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Median ms, p90 ms, and the median requests and rows of a list of measurements. */
function summary(runs) {
  return {
    ms: median(runs.map((run) => run.ms)),
    p90: quantile(
      runs.map((run) => run.ms),
      0.9,
    ),
    requests: median(runs.map((run) => run.requests)),
    rows: median(runs.map((run) => run.rows)),
  };
}

const sameTags = (tags, wanted) => Object.entries(wanted).every(([key, value]) => tags[key] === value);

async function measureN(ctx, n) {
  const id = `${n}x${Date.now().toString(36)}`;
  const storage = new CountingStorage(ctx.connection);
  const registry = new ModelRegistry({
    storage,
    table: `tagscale${id}`,
    container: `tagscale-${id}`,
    inspector: ctx.inspector,
  });
  const name = `oj-sales-${id}`;
  const runId = `run-${id}`;
  let started = performance.now();
  const versionOf = await registerVersions(registry, name, runId, n);
  const registerSeconds = (performance.now() - started) / 1000;
  let mismatches = 0;
  const check = (found, wanted, version) => {
    if (found.version !== version || !sameTags(found.tags, wanted)) mismatches++;
  };

  const next = random(seed + n);
  const picks = Array.from({ length: samples }, () => Math.floor(next() * n));
  // One untimed call first: the table client and its connection are set up.
  await registry.resolve({ name, tags: keyOf(picks[0]) });
  const byKey = [];
  for (const i of picks) {
    const run = await measure(storage, () => registry.resolve({ name, tags: keyOf(i) }));
    check(run.result, keyOf(i), versionOf[i]);
    byKey.push(run);
  }
  // The latest version of a store or brand: the highest version among the keys carrying it.
  const latest = (wanted) => Math.max(...versionOf.filter((_, i) => sameTags(keyOf(i), wanted)));
  const byStore = [];
  for (const i of picks) {
    const wanted = { Store: keyOf(i).Store };
    const run = await measure(storage, () => registry.resolve({ name, tags: wanted }));
    check(run.result, wanted, latest(wanted));
    byStore.push(run);
  }
  const byBrand = [];
  for (const brand of BRANDS) {
    const wanted = { Brand: brand };
    const run = await measure(storage, () => registry.resolve({ name, tags: wanted }));
    check(run.result, wanted, latest(wanted));
    byBrand.push(run);
  }

  const catalogs = [];
  for (let round = 0; round < 3; round++) {
    const run = await measure(storage, () => registry.catalog(name));
    const picked = pickKeyedVersions(run.result.versions, ['Store', 'Brand'], undefined);
    if (run.result.versions.length !== n || picked.length !== n) mismatches++;
    catalogs.push(run);
  }

  // The reference: no index, every version row of the model read and filtered in JS.
  const plain = TableClient.fromConnectionString(ctx.connection, `tagscale${id}`, {
    allowInsecureConnection: true,
  });
  const scans = [];
  for (const i of picks.slice(0, 3)) {
    const wanted = keyOf(i);
    const counter = { requests: 0, rows: 0 };
    started = performance.now();
    const query = plain.listEntities({
      queryOptions: { filter: versionRowsOf(name), select: ['version', 'tags'] },
    });
    let found;
    for await (const entity of countedPages(query, counter)) {
      const tags = JSON.parse(entity.tags);
      if (sameTags(tags, wanted) && (found === undefined || entity.version > found.version))
        found = { version: Number(entity.version), tags };
    }
    const ms = performance.now() - started;
    if (!found) mismatches++;
    else check(found, wanted, versionOf[i]);
    scans.push({ ms, ...counter });
  }

  return {
    n,
    registerSeconds,
    perSecond: n / registerSeconds,
    byKey: summary(byKey),
    byStore: summary(byStore),
    byBrand: summary(byBrand),
    catalog: summary(catalogs),
    scan: summary(scans),
    mismatches,
  };
}

function printTable(results) {
  const columns = [
    ['N', (r) => String(r.n)],
    ['register v/s', (r) => r.perSecond.toFixed(0)],
    ['resolve key ms (p90)', (r) => `${r.byKey.ms.toFixed(1)} (${r.byKey.p90.toFixed(1)})`],
    ['by Store ms', (r) => r.byStore.ms.toFixed(1)],
    ['by Brand ms', (r) => r.byBrand.ms.toFixed(1)],
    ['catalog ms', (r) => r.catalog.ms.toFixed(0)],
    ['scan+filter ms', (r) => r.scan.ms.toFixed(0)],
    ['scan/resolve', (r) => (r.scan.ms / r.byKey.ms).toFixed(1)],
  ];
  const cells = [columns.map(([title]) => title), ...results.map((r) => columns.map(([, cell]) => cell(r)))];
  const widths = columns.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  for (const row of cells) console.log(row.map((cell, c) => cell.padStart(widths[c])).join('  '));
  console.log('\ntable requests / rows read per call (median; a query page is one request):');
  const reads = (s) => `${s.requests} / ${s.rows}`;
  for (const r of results)
    console.log(
      `  N=${r.n}: resolve key ${reads(r.byKey)}, by Store ${reads(r.byStore)}, ` +
        `by Brand ${reads(r.byBrand)}, catalog ${reads(r.catalog)}, scan ${reads(r.scan)}`,
    );
}

async function main() {
  console.log(
    `node ${process.version}, ${os.cpus().length} cores; versions ${counts.join(', ')}; ` +
      `${samples} keys sampled; registerAll batches of ${batchSize}, ${concurrency} at once`,
  );
  const ports = await findFreeAzuritePorts();
  const nodeArgs = process.env.BENCH_AZURITE_NODE_ARGS?.split(' ').filter(Boolean);
  const azurite = await startAzurite({ ports, nodeArgs });
  // As the app checks models: in a long-lived inference thread.
  const pool = new InferencePool({ size: 1 });
  try {
    const ctx = { connection: azuriteConnectionString(ports), inspector: new PoolModelInspector(pool) };
    const results = [];
    for (const n of counts) {
      const started = performance.now();
      const result = await measureN(ctx, n);
      results.push(result);
      console.log(
        `N=${n}: registered in ${result.registerSeconds.toFixed(1)} s, measured in ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s in all`,
      );
    }
    console.log('');
    printTable(results);
    const mismatches = results.reduce((sum, r) => sum + r.mismatches, 0);
    console.log(`\nmismatches: ${mismatches}`);
    if (mismatches > 0) process.exitCode = 1;
  } finally {
    await pool.close();
    await azurite.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
