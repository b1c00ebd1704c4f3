import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { findFreePort } from '../../src/host/azurite/startAzurite';
import { sendEvents } from '../../src/host/eventHubs/sendEvents';
import { StorageClients } from '../../src/storage/StorageClients';
import { directFeatures, readings, sensorFeatures, type Reading } from '../support/sensorReadings';
import { TestHost } from '../support/TestHost';
import { uniqueHubName } from '../support/durableTestClient';
import { hostSecrets, testStorage, uniqueName } from '../support/testStorage';
import { emulatorConnectionString } from '../support/eventHubsEmulator';

// A window stream whose host is killed after a batch is landed and before its checkpoint: after the
// restart the batch comes again (longer), the new process reads the watermark and the open windows
// back from the tables, the watermark closes the window, and it commits once with every event.
const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const hostId = uniqueName('winrestart');
const output = uniqueName('winrestart');
const hub = uniqueName('restart');
const base = Date.parse('2026-06-02T08:00:00Z');
let host: TestHost;

const definition = {
  name: 'restart',
  source: { hub },
  schema: { deviceId: 'string', at: 'timestamp', temp: 'number', rpm: 'number', vib: 'number' },
  key: 'deviceId',
  mode: 'window',
  window: { size: '10s', eventTime: 'at', idleTimeout: '5m' },
  features: sensorFeatures,
  model: 'windowed',
  outputs: { folder: 'restart' },
};

async function produce(connection: string, list: Reading[]): Promise<void> {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    const batch = await producer.createBatch({ partitionKey: 'one' });
    for (const body of list) expect(batch.tryAdd({ body })).toBe(true);
    await producer.sendBatch(batch);
  } finally {
    await producer.close();
  }
}

/** The diabetes model's bytes with a card that reads the window's features. */
async function registerModel(id: string): Promise<void> {
  const key = (await hostSecrets(id)).masterKey.value;
  const card = { name: 'windowed', version: 1, features: sensorFeatures, outputs: ['variable'] };
  const response = await host.fetch('/api/models/windowed/versions', {
    method: 'POST',
    headers: { 'x-functions-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ card, onnxBase64: readFileSync('models/diabetes/model.onnx').toString('base64') }),
  });
  expect(response.status).toBe(201);
}

afterAll(async () => {
  await host?.stop();
});

test('a host killed between landing a batch and its checkpoint: the window still commits every event once', async () => {
  const directory = path.join(mkdtempSync(path.join(os.tmpdir(), 'streams-')), 'streams');
  mkdirSync(directory);
  writeFileSync(path.join(directory, 'restart.json'), JSON.stringify(definition));
  const port = await findFreePort();
  const connection = emulatorConnectionString(port);
  const settings = {
    EventHubConnection: connection,
    DurableScoring__EventHubs__Port: String(port),
    STREAMS_DIRECTORY: directory,
    STREAMS_TABLE: uniqueName('streams'),
    STREAM_WINDOWS_TABLE: uniqueName('windows'),
    MODEL_REGISTRY_TABLE: uniqueName('models'),
    MODEL_REGISTRY_CONTAINER: uniqueName('models'),
    SCORING_OUTPUT_CONTAINER: output,
    SCORING_INPUT_CONTAINER: uniqueName('winin'),
    AzureFunctionsJobHost__extensions__durableTask__hubName: uniqueHubName('WinRestart'),
    'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
    AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: '20',
  };
  const first = readings(base, 0, 10, 6, 11);
  // The host kills itself after its second batch (events 20-39) is landed, before its checkpoint.
  host = await TestHost.start('.', {
    hostId,
    settings: { ...settings, DurableScoring__CrashAt: 'after-invocation:stream-restart:2' },
  });
  await registerModel(hostId);
  await produce(connection, first.slice(0, 45));
  const deadline = Date.now() + 20_000;
  while (host.running && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(host.running).toBe(false);
  // While it is down, more of the window's events reach the partition: the batch comes again longer.
  await sendEvents(
    testStorage(),
    hub,
    first.slice(45).map((body) => ({ body: JSON.stringify(body) })),
    { partitionKey: 'one' },
  );

  host = await TestHost.start('.', { hostId, settings });
  const key = (await hostSecrets(hostId)).masterKey.value;
  // A reading of the next window moves the watermark past this one's end.
  await produce(connection, readings(base, 12, 13, 1, 12).slice(0, 1));
  const start = new Date(base).toISOString();
  let row: Record<string, unknown> | undefined;
  const until = Date.now() + 30_000;
  while (row?.state !== 'Committed' && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const response = await host.fetch('/api/streams/restart/windows', {
      headers: { 'x-functions-key': key },
    });
    const { windows } = (await response.json()) as { windows: Record<string, unknown>[] };
    row = windows.find((window) => window.windowStart === start);
  }
  expect(row).toMatchObject({
    state: 'Committed',
    eventsIn: 60,
    duplicatesDropped: 0,
    keys: 6,
    scoredRows: 6,
  });
  const blob = storage.container(output).getBlobClient(`restart/2026-06-02/08/${start}.jsonl`);
  const rows = (await blob.downloadToBuffer())
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { deviceId: string; count: number });
  const expected = directFeatures(first, base, 10_000);
  expect(rows.map((r) => [r.deviceId, r.count])).toEqual(
    [...expected.entries()].map(([device, values]) => [device, values[0]]),
  );
});
