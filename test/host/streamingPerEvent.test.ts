import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventHubProducerClient, type EventData } from '@azure/event-hubs';
import { findFreePort } from '../../src/host/azurite/startAzurite';
import { sendEvents } from '../../src/host/eventHubs/sendEvents';
import { StorageClients } from '../../src/storage/StorageClients';
import { diabetesReference } from '../support/scoringHarness';
import { TestHost } from '../support/TestHost';
import { uniqueHubName } from '../support/durableTestClient';
import { hostSecrets, testStorage, uniqueName } from '../support/testStorage';
import { emulatorConnectionString } from '../support/eventHubsEmulator';

// Streams end to end on this app: events produced over AMQP with the unmodified EventHubProducerClient,
// scored per event by the bundled diabetes model, outputs read back from blob storage.
const { table, expected } = diabetesReference();
const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const hostId = uniqueName('streams');
const output = uniqueName('streamout');
const hubs = { clinic: uniqueName('clinic'), crash: uniqueName('crash'), mismatch: uniqueName('mismatch') };
const streamsDirectory = path.join(mkdtempSync(path.join(os.tmpdir(), 'streams-')), 'streams');
let settings: Record<string, string>;
let host: TestHost;
let key: string;

const schema = Object.fromEntries([['patientId', 'string'], ...features.map((f) => [f, 'number'])]);
const definitions = {
  clinic: {
    name: 'clinic',
    source: { hub: hubs.clinic },
    schema,
    key: 'patientId',
    features,
    model: 'diabetes@production',
    outputs: { folder: 'clinic', alert: { above: 250 } },
  },
  crash: {
    name: 'crash',
    source: { hub: hubs.crash },
    schema: { ...schema, n: 'integer' },
    key: 'patientId',
    features,
    model: 'diabetes',
    outputs: { folder: 'crash', format: 'csv' },
  },
  mismatch: {
    name: 'mismatch',
    source: { hub: hubs.mismatch },
    schema,
    key: 'patientId',
    features: ['age', 'bmi'],
    model: 'diabetes',
    outputs: { folder: 'mismatch' },
  },
};

function patient(index: number): Record<string, unknown> {
  const row = table.rows[index % table.rows.length]!;
  return {
    patientId: `p${index}`,
    ...Object.fromEntries(features.map((f) => [f, Number(row[table.header.indexOf(f)])])),
  };
}

async function produce(hub: string, events: EventData[], perBatch = 25): Promise<void> {
  const producer = new EventHubProducerClient(settings.EventHubConnection!, hub);
  try {
    for (let start = 0; start < events.length; start += perBatch) {
      const batch = await producer.createBatch({ partitionKey: `k${start / perBatch}` });
      for (const event of events.slice(start, start + perBatch)) expect(batch.tryAdd(event)).toBe(true);
      await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
}

/** Every blob under a folder of the output container, as text, with its properties. */
async function readBlobs(prefix: string) {
  const container = storage.container(output);
  const blobs: { name: string; etag: string; text: string; metadata: Record<string, string> }[] = [];
  for await (const item of container.listBlobsFlat({ prefix, includeMetadata: true })) {
    const text = (await container.getBlobClient(item.name).downloadToBuffer()).toString();
    blobs.push({ name: item.name, etag: item.properties.etag ?? '', text, metadata: item.metadata ?? {} });
  }
  return blobs;
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

interface StreamView {
  eventsIn: number;
  scoredEvents: number;
  badEvents: number;
  definition?: unknown;
  model?: unknown;
  partitions: Record<string, unknown>[];
  error?: string;
}

async function streamView(name: string): Promise<{ status: number; body: StreamView }> {
  const response = await host.fetch(`/api/streams/${name}`, { headers: { 'x-functions-key': key } });
  return { status: response.status, body: (await response.json()) as StreamView };
}

async function waitForEvents(name: string, count: number, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await streamView(name);
    if (body.eventsIn >= count) return body;
    if (Date.now() > deadline)
      throw new Error(`Stream ${name} has ${body.eventsIn} of ${count} events.\n${host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  mkdirSync(streamsDirectory);
  for (const [name, definition] of Object.entries(definitions))
    writeFileSync(path.join(streamsDirectory, `${name}.json`), JSON.stringify(definition));
  const port = await findFreePort();
  settings = {
    EventHubConnection: emulatorConnectionString(port),
    DurableScoring__EventHubs__Port: String(port),
    STREAMS_DIRECTORY: streamsDirectory,
    STREAMS_TABLE: uniqueName('streams'),
    SCORING_OUTPUT_CONTAINER: output,
    SCORING_INPUT_CONTAINER: uniqueName('streamin'),
    AzureFunctionsJobHost__extensions__durableTask__hubName: uniqueHubName('Streams'),
    'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
    // Small batches: many batches per partition, and several before the kill.
    AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: '20',
  };
  host = await TestHost.start('.', {
    hostId,
    // The host kills itself after the crash stream's third batch is written, before its checkpoint.
    settings: { ...settings, DurableScoring__CrashAt: 'after-invocation:stream-crash:3' },
  });
  key = (await hostSecrets(hostId)).masterKey.value;
});

afterAll(async () => {
  await host?.stop();
});

test('every event is scored once by the pinned model, as onnxruntime scores its features', async () => {
  const good = table.rows.map((_, index) => ({ body: patient(index) }));
  const bad: EventData[] = [
    { body: Buffer.from('{ not json') },
    { body: { patientId: 'p-missing', ...patient(0), bmi: undefined } },
    { body: { ...patient(1), patientId: 'p-text-age', age: 'old' } },
  ];
  await produce(hubs.clinic, [...good, ...bad]);
  const view = await waitForEvents('clinic', good.length + bad.length);
  expect(view).toMatchObject({ eventsIn: 445, scoredEvents: 442, badEvents: 3 });

  const blobs = await readBlobs('clinic/');
  const outputs = blobs.filter((blob) => !blob.name.includes('/_'));
  const rows = outputs.flatMap((blob) => jsonLines(blob.text));
  expect(rows).toHaveLength(442);
  const byPatient = new Map(rows.map((row) => [row.patientId as string, row]));
  expect(byPatient.size).toBe(442);
  table.rows.forEach((_, index) => {
    const row = byPatient.get(`p${index}`)!;
    expect(row).toMatchObject({ ...patient(index), model: 'diabetes', modelVersion: 1 });
    expect(row.variable as number).toBeCloseTo(expected[index]!, 3);
  });
  expect(rows[0]!.modelSha256).toMatch(/^[0-9a-f]{64}$/);
  // One blob per batch, named by partition and first sequence number; rows carry their own.
  for (const blob of outputs) {
    const [, partition, first] = /^clinic\/(\d+)\/(\d{20})\.jsonl$/.exec(blob.name)!;
    const sequences = jsonLines(blob.text).map((row) => row.sequenceNumber as number);
    expect(jsonLines(blob.text).every((row) => row.partitionId === partition)).toBe(true);
    expect(Number(first)).toBe(Number(blob.metadata.firstsequence));
    expect(Math.min(...sequences)).toBeGreaterThanOrEqual(Number(first));
  }

  const deadLetters = blobs
    .filter((blob) => blob.name.startsWith('clinic/_deadletter/'))
    .flatMap((b) => jsonLines(b.text));
  expect(deadLetters.map((event) => event.reason).sort()).toEqual([
    'field "age" must be a number, not a string "old"',
    'field "bmi" is missing',
    'the body is not a JSON object (it is not JSON, or JSON text)',
  ]);
  for (const event of deadLetters) {
    expect(event).toEqual({
      partitionId: expect.stringMatching(/^\d+$/),
      sequenceNumber: expect.any(Number),
      enqueuedTimeUtc: expect.any(String),
      reason: expect.any(String),
    });
  }

  const alerts = blobs
    .filter((blob) => blob.name.startsWith('clinic/_alerts/'))
    .flatMap((b) => jsonLines(b.text));
  const over = rows.filter((row) => (row.variable as number) > 250);
  expect(over.length).toBeGreaterThan(0);
  expect(alerts.map((row) => row.patientId).sort()).toEqual(over.map((row) => row.patientId).sort());
});

test('GET /api/streams lists the streams; /api/streams/{name} shows the model and per-partition progress', async () => {
  const list = await host.fetch('/api/streams', { headers: { 'x-functions-key': key } });
  expect(list.status).toBe(200);
  const { streams } = (await list.json()) as { streams: { name: string; hub: string }[] };
  expect(streams.map((stream) => [stream.name, stream.hub])).toEqual([
    ['clinic', hubs.clinic],
    ['crash', hubs.crash],
    ['mismatch', hubs.mismatch],
  ]);
  const { status, body } = await streamView('clinic');
  expect(status).toBe(200);
  expect(body.definition).toMatchObject({ ...definitions.clinic, mode: 'perEvent' });
  expect(body.model).toMatchObject({ reference: 'diabetes@production', name: 'diabetes', version: 1 });
  expect(body.partitions.length).toBeGreaterThan(0);
  for (const partition of body.partitions)
    expect(partition).toMatchObject({ lastSequenceNumber: expect.any(Number), model: 'diabetes@1' });
  expect(await streamView('nosuch')).toMatchObject({
    status: 404,
    body: { error: expect.stringMatching(/No stream named "nosuch"/) },
  });
  expect((await host.fetch('/api/streams')).status).toBe(401);
});

test('a model that cannot score the stream sends its events to the dead letters, with the reason', async () => {
  await produce(
    hubs.mismatch,
    [0, 1, 2, 3, 4].map((index) => ({ body: patient(index) })),
  );
  expect(await waitForEvents('mismatch', 5)).toMatchObject({ eventsIn: 5, scoredEvents: 0, badEvents: 5 });
  const blobs = await readBlobs('mismatch/');
  expect(blobs.every((blob) => blob.name.startsWith('mismatch/_deadletter/'))).toBe(true);
  const deadLetters = blobs.flatMap((blob) => jsonLines(blob.text));
  expect(deadLetters).toHaveLength(5);
  for (const event of deadLetters)
    expect(event.reason).toMatch(
      /^model diabetes cannot score this stream: Model "diabetes" input "\w+" needs column\(s\) missing from the data: sex, bp, s1/,
    );
});

test('a host killed after writing a batch and before its checkpoint: after the restart, every event once', async () => {
  const total = 300;
  const events = Array.from({ length: total }, (_, n) => ({ body: { ...patient(n), n } }));
  const csvRows = (text: string) => {
    const [header, ...lines] = text.trim().split('\n');
    const columns = header!.split(',');
    return lines.map((line) =>
      Object.fromEntries(line.split(',').map((value, i): [string, string] => [columns[i]!, value])),
    );
  };
  // One send of 45 events (one partition): batches of 20, 20 and 5, and the host kills itself after
  // writing the third. No send is under way then.
  await produce(hubs.crash, events.slice(0, 45), 45);
  const deadline = Date.now() + 20_000;
  while (host.running && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(host.running).toBe(false);
  const beforeRestart = await readBlobs('crash/');
  expect(beforeRestart.map((blob) => csvRows(blob.text).length).sort()).toEqual([20, 20, 5]);
  // While the host is down, more events reach that partition (straight into the hub's log, as another
  // producer would), so the batch delivered again is longer than the one written before the kill.
  await sendEvents(
    testStorage(),
    hubs.crash,
    events.slice(45, 150).map((event) => ({ body: JSON.stringify(event.body) })),
    { partitionKey: 'k0' },
  );

  host = await TestHost.start('.', { hostId, settings });
  await produce(hubs.crash, events.slice(150), 10);
  const view = await waitForEvents('crash', total);
  expect(view).toMatchObject({ eventsIn: total, scoredEvents: total, badEvents: 0 });

  const blobs = await readBlobs('crash/');
  const seen = blobs.flatMap((blob) => csvRows(blob.text).map((row) => row.patientId));
  expect(seen).toHaveLength(total);
  expect(new Set(seen).size).toBe(total);
  // The 5-event batch came again with 20 events and replaced its own blob.
  const partial = beforeRestart.find((blob) => csvRows(blob.text).length === 5)!;
  const replaced = blobs.find((blob) => blob.name === partial.name)!;
  expect(replaced.etag).not.toBe(partial.etag);
  expect(csvRows(replaced.text)).toHaveLength(20);
  expect(csvRows(replaced.text).slice(0, 5)).toEqual(csvRows(partial.text));
  console.log(
    `Killed after a written batch: ${total} events, ${beforeRestart.length} blobs before the kill, ` +
      `${partial.name} rewritten by the longer redelivery, ${blobs.length} blobs, every event once.`,
  );
});
