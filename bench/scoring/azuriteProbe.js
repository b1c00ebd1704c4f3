// What the storage round trips cost on their own, measured against the same in-memory Azurite with
// the same SDK calls the app makes: a whole-blob streamed download (the blob trigger's download and
// the planning pass each do one), a 32 MiB range with downloadToBuffer and concurrency 4 (one
// partition's read) and the same range as one streamed GET, and staging 8 MiB blocks (partition output).
// Azurite's CPU is read around each call: on this machine Azurite competes with the host for the cores.
'use strict';
const { cpuSecondsOf } = require('./hostProcess');

const rangeBytes = 32 * 1024 * 1024;
const blockBytes = 8 * 1024 * 1024;

/** Resolves with MB/s and Azurite CPU-s per GB for the file's bytes uploaded to a scratch container. */
async function probeAzurite(blobs, file, azuritePid) {
  let cpu = 0;
  let started = 0;
  const start = () => {
    cpu = cpuSecondsOf(azuritePid);
    started = performance.now();
  };
  const done = (bytes) => {
    const seconds = (performance.now() - started) / 1000;
    return {
      bytes,
      seconds,
      mbps: bytes / 1e6 / seconds,
      cpuPerGB: (cpuSecondsOf(azuritePid) - cpu) / (bytes / 1e9),
    };
  };
  const container = blobs.getContainerClient(`bench-probe-${Date.now().toString(36)}`);
  await container.createIfNotExists();
  try {
    const blob = container.getBlockBlobClient('probe.csv');
    start();
    const uploaded = await blob.uploadFile(file, { blockSize: 8 * 1024 * 1024, concurrency: 4 });
    const bytes = (await blob.getProperties()).contentLength;
    const upload = done(bytes);
    start();
    const response = await blob.download(0, undefined, { conditions: { ifMatch: uploaded.etag } });
    for await (const chunk of response.readableStreamBody) void chunk;
    const streamDownload = done(bytes);
    // Four different 32 MiB ranges each way, so that the CPU readings (10 ms ticks) mean something.
    const ranges = [0, 1, 2, 3].map((i) => [i * rangeBytes, Math.min(rangeBytes, bytes - i * rangeBytes)]);
    const total = ranges.reduce((sum, [, count]) => sum + Math.max(0, count), 0);
    start();
    for (const [offset, count] of ranges)
      if (count > 0)
        await blob.downloadToBuffer(Buffer.allocUnsafe(count), offset, count, { concurrency: 4 });
    const rangeDownload = done(total);
    start();
    for (const [offset, count] of ranges) {
      if (count <= 0) continue;
      const response = await blob.download(offset, count, { conditions: { ifMatch: uploaded.etag } });
      for await (const chunk of response.readableStreamBody) void chunk;
    }
    const rangeStream = done(total);
    const block = Buffer.alloc(blockBytes, 0x31);
    start();
    for (let i = 0; i < 4; i++) {
      const id = Buffer.from(`b${i}`).toString('base64');
      await container.getBlockBlobClient('staged').stageBlock(id, block, blockBytes);
    }
    const stageBlock = done(4 * blockBytes);
    return { bytes, upload, streamDownload, rangeDownload, rangeStream, stageBlock };
  } finally {
    await container.deleteIfExists();
  }
}

module.exports = { probeAzurite };
