// Runs one work handler as a worker process does: plain Node, outside jest's module sandbox (where
// onnxruntime-node's output tensors fail its own Float32Array check). Usage: node runWorkHandler.js
// '<json>' with { module (under dist/), handler, payload, cancelAfterChecks? }; the storage is the test
// run's Azurite (TEST_STORAGE_CONNECTION). Prints { ok, output } or { ok: false, name, message }.
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { StorageClients } = require(path.join(root, 'dist/src/storage/StorageClients.js'));

(async () => {
  const input = JSON.parse(process.argv[2]);
  const handler = require(path.join(root, 'dist', input.module))[input.handler];
  let checks = 0;
  const context = {
    storage: new StorageClients(process.env.TEST_STORAGE_CONNECTION),
    executionProvider: 'cpu',
    cancelled: async () => input.cancelAfterChecks !== undefined && ++checks > input.cancelAfterChecks,
    log: (message) => console.error(message),
  };
  try {
    const output = await handler(input.payload, context);
    process.stdout.write(JSON.stringify({ ok: true, output }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, name: error.name, message: error.message }));
  }
})();
