// Where one key's time goes: the steps of the trainPartitions activity, each timed on its own in this
// process against the same Azurite (a fresh registry table and container): the download, the CSV
// parse, training, the ONNX inspection (a worker thread per call) and the registration (which starts
// with its idempotency-key read); then the same registrations 8 at a time under one model name (the
// head row's ETag contention) and under 8 names, and all of them as one registry batch (registerAll,
// as trainPartitions registers an activity's keys).
'use strict';
const path = require('node:path');
const { createHash } = require('node:crypto');

const root = path.resolve(__dirname, '../..');
const dist = (file) => require(path.join(root, 'dist/src', file));
const { StorageClients } = dist('storage/StorageClients.js');
const { ModelRegistry } = dist('models/registry/ModelRegistry.js');
const { PoolModelInspector } = dist('models/registry/ModelInspector.js');
const { InferencePool } = dist('runtime/inference/InferencePool.js');
const { parseTrainingCsv } = dist('training/retrain/parseTrainingCsv.js');
const { trainSeries } = dist('manyModels/training/trainSeries.js');
const { registerSeriesModels } = dist('manyModels/training/registerSeriesModel.js');
const { readBlob } = dist('storage/readBlob.js');

const options = { time: 'WeekStarting', target: 'Quantity', price: 'Price', promotion: 'Advert' };

/** ctx: { connection, dataContainer, partitions }. Resolves with mean milliseconds per step and key. */
async function probeKeys(ctx) {
  const id = Date.now().toString(36);
  const storage = new StorageClients(ctx.connection);
  // As the app checks models: in a long-lived inference thread.
  const pool = new InferencePool({ size: 1 });
  const inspector = new PoolModelInspector(pool);
  const registry = new ModelRegistry({
    storage,
    table: `mmprobe${id}`,
    container: `mm-probe-${id}`,
    inspector,
  });
  const steps = { download: 0, parse: 0, train: 0, inspect: 0, register: 0 };
  const trained = [];
  const time = async (step, work) => {
    const started = performance.now();
    const result = await work();
    steps[step] += performance.now() - started;
    return result;
  };
  for (const partition of ctx.partitions) {
    const blob = `sales/${partition.path}`;
    const { bytes } = await time('download', () =>
      readBlob(storage.container(ctx.dataContainer).getBlobClient(blob)),
    );
    const table = await time('parse', () => parseTrainingCsv(bytes.toString('utf8'), blob));
    const model = await time('train', () => trainSeries(table, options, partition.path));
    await time('inspect', () => inspector.inspect(model.onnx, 'probe'));
    const registration = {
      model: 'probe',
      runId: 'probe',
      key: partition.key,
      data: `${ctx.dataContainer}/${blob}`,
      dataSha256: createHash('sha256').update(bytes).digest('hex'),
      rows: table.rows,
    };
    await time('register', () =>
      registerOne(registry, { trained: model, registration, trainingKey: `probe/${partition.path}` }),
    );
    trained.push({ model, registration });
  }
  const perKey = Object.fromEntries(
    Object.entries(steps).map(([step, ms]) => [step, ms / ctx.partitions.length]),
  );
  const concurrent = async (nameOf) => {
    const started = performance.now();
    for (let i = 0; i < trained.length; i += 8)
      await Promise.all(
        trained.slice(i, i + 8).map(({ model, registration }, j) =>
          registerOne(registry, {
            trained: model,
            registration: { ...registration, model: nameOf(i + j) },
            trainingKey: `again/${registration.data}`,
          }),
        ),
      );
    return (performance.now() - started) / trained.length;
  };
  const oneName = await concurrent(() => 'probe-one');
  const eightNames = await concurrent((i) => `probe-${i % 8}`);
  // As trainPartitions registers an activity's keys: one registry batch.
  const batchStarted = performance.now();
  const series = trained.map(({ model, registration }) => ({
    trained: model,
    registration: { ...registration, model: 'probe-batch' },
    trainingKey: `batch/${registration.data}`,
  }));
  for (const outcome of await registerSeriesModels(registry, 'probe-batch', series))
    if (outcome.status === 'rejected') throw outcome.reason;
  const batch = (performance.now() - batchStarted) / trained.length;
  await pool.close();
  return { keys: ctx.partitions.length, perKey, concurrentRegister: { oneName, eightNames, batch } };
}

/** One key registered on its own (a batch of one); throws what it failed with. */
async function registerOne(registry, series) {
  const [outcome] = await registerSeriesModels(registry, series.registration.model, [series]);
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

module.exports = { probeKeys };
