// The scoring stage of the many-models benchmark: the forecast horizon (the weeks after each series'
// training data) uploaded to the host's input container and scored with one model per Store × Brand
// (POST /api/jobs with model: { name, partitionBy }), polled to the end while the host's RSS is sampled.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { memoryOf, cpuSecondsOf } = require('../scoring/hostProcess');
const { BlobServiceClient } = require(path.join(__dirname, '../../node_modules/@azure/storage-blob'));

const pollMs = 250;

/** ctx: { connection, azuritePid, id, load, file, model }; api(route, init) calls the host. */
async function scoreRun(ctx, api, hostPid) {
  const blobs = BlobServiceClient.fromConnectionString(ctx.connection);
  const input = blobs.getContainerClient(`mm-in-${ctx.id}`);
  await input.createIfNotExists();
  const blob = path.basename(ctx.file);
  let started = performance.now();
  await input.getBlockBlobClient(blob).uploadFile(ctx.file, { metadata: { autoscore: 'false' } });
  const uploadSeconds = (performance.now() - started) / 1000;
  const before = { host: cpuSecondsOf(hostPid), azurite: cpuSecondsOf(ctx.azuritePid) };
  let peakRss = memoryOf(hostPid).rss;
  started = performance.now();
  const response = await api('jobs', {
    method: 'POST',
    body: JSON.stringify({
      input: { container: `mm-in-${ctx.id}`, blob },
      model: { name: ctx.model, partitionBy: ['Store', 'Brand'] },
      output: { container: `mm-out-${ctx.id}`, passThrough: ['WeekStarting', 'Store', 'Brand'] },
    }),
  });
  if (response.status !== 202)
    throw new Error(`POST /api/jobs returned ${response.status}: ${await response.text()}`);
  const { id } = await response.json();
  let job;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    peakRss = Math.max(peakRss, memoryOf(hostPid).rss);
    job = await (await api(`jobs/${id}`)).json();
    if (['Succeeded', 'PartiallySucceeded', 'Failed', 'Canceled'].includes(job.status)) break;
  }
  return {
    jobId: id,
    status: job.status,
    reason: job.reason,
    rows: job.totalRows,
    scoredRows: job.scoredRows,
    badRows: job.badRows,
    partitions: job.progress?.partitions,
    bytes: fs.statSync(ctx.file).size,
    uploadSeconds,
    seconds: (performance.now() - started) / 1000,
    hostPeakRss: Math.max(peakRss, memoryOf(hostPid).hwm),
    hostCpu: cpuSecondsOf(hostPid) - before.host,
    azuriteCpu: cpuSecondsOf(ctx.azuritePid) - before.azurite,
    load: ctx.load(),
  };
}

module.exports = { scoreRun };
