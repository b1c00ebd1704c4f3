import { readFileSync } from 'node:fs';
import { EventHubProducerClient, type EventData } from '@azure/event-hubs';
import { StorageClients } from '../../src/storage/StorageClients';
import { referencePredictions } from '../support/scoringHarness';
import {
  directFeatures,
  readings as readingsAt,
  sensorFeatures,
  type Reading,
} from '../support/sensorReadings';
import { startStreamHost } from '../support/streamHost';
import type { TestHost } from '../support/TestHost';
import { blobReader, csvRows, jsonLines, until, type WindowRow } from '../support/windowStreamProbes';
import { uniqueName } from '../support/testStorage';

// Windowed streams end to end: events produced over AMQP with the unmodified EventHubProducerClient,
// landed per window by the trigger, closed by the watermark, aggregated, scored by the registry's
// production model and committed once per window; outputs read back from blob storage and compared with
// a direct computation and plain onnxruntime.
const features = sensorFeatures;
const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const hostId = uniqueName('windows');
const output = uniqueName('windowout');
const hubs = { sensors: uniqueName('sensors'), broken: uniqueName('broken') };
const base = Date.parse('2026-06-01T10:00:00Z');
const diabetesOnnx = readFileSync('models/diabetes/model.onnx');
const readings = (from: number, to: number, devices: number, seed: number) =>
  readingsAt(base, from, to, devices, seed);
let host: TestHost;
let key: string;
let connection: string;
/** What the first test sent (good readings, and the ones sent after their window committed). */
let sent: Reading[] = [];
let lateSent: Reading[] = [];

const schema = { deviceId: 'string', at: 'timestamp', temp: 'number', rpm: 'number', vib: 'number' };
const window = { size: '10s', allowedLateness: '2s', eventTime: 'at', idleTimeout: '2m' };
const definitions = {
  sensors: {
    name: 'sensors',
    source: { hub: hubs.sensors },
    schema,
    key: 'deviceId',
    mode: 'window',
    window,
    features,
    model: 'windowed@production',
    outputs: { folder: 'sensors', format: 'jsonl', alert: { above: 150 } },
  },
  // The same events, read by a second consumer group: windows of 10 s every 5 s. Its lateness keeps
  // each window open until every phase of readings it holds has landed.
  hops: {
    name: 'hops',
    source: { hub: hubs.sensors, consumerGroup: 'hops' },
    schema,
    key: 'deviceId',
    mode: 'window',
    window: { ...window, kind: 'hopping', hop: '5s', allowedLateness: '12s' },
    features,
    model: 'windowed@production',
    outputs: { folder: 'hops', format: 'csv' },
  },
  broken: {
    name: 'broken',
    source: { hub: hubs.broken },
    schema,
    key: 'deviceId',
    mode: 'window',
    window,
    features: ['count', 'temp_mean'],
    model: 'windowed@production',
    outputs: { folder: 'broken', format: 'jsonl' },
  },
};

/** Sends each device's readings in one batch keyed by the device: several partitions, out of order. */
async function produce(hub: string, events: EventData[], keyOf: (event: EventData) => string): Promise<void> {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    const byKey = new Map<string, EventData[]>();
    for (const event of events) byKey.set(keyOf(event), [...(byKey.get(keyOf(event)) ?? []), event]);
    for (const [partitionKey, own] of byKey) {
      const batch = await producer.createBatch({ partitionKey });
      for (const event of own) expect(batch.tryAdd(event)).toBe(true);
      await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
}
const sendReadings = (hub: string, list: Reading[]) =>
  produce(
    hub,
    list.map((body) => ({ body })),
    (event) => (event.body as Reading).deviceId ?? 'bad',
  );

async function api<T>(route: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await host.fetch(`/api/${route}`, {
    ...init,
    headers: { 'x-functions-key': key, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as T };
}

const eventsIn = (stream: string, count: number) =>
  until(
    `${count} events in ${stream}`,
    async () => {
      const { body } = await api<{ eventsIn: number }>(`streams/${stream}`);
      return body.eventsIn >= count ? body : undefined;
    },
    () => host.output(),
  );

const windowDone = (stream: string, second: number, check: (row: WindowRow) => boolean = () => true) =>
  until(
    `window +${second}s of ${stream}`,
    async () => {
      const start = new Date(base + second * 1000).toISOString();
      const { body } = await api<{ windows: WindowRow[] }>(`streams/${stream}/windows`);
      const row = body.windows.find((candidate) => candidate.windowStart === start);
      return row && ['Committed', 'Failed'].includes(row.state) && check(row) ? row : undefined;
    },
    () => host.output(),
  );

const { readText, listNames } = blobReader(storage, output);

/**
 * A committed window's output blob: a row per device, its features as computed directly, its
 * prediction as plain onnxruntime makes it from those features. Returns the rows.
 */
async function expectWindowOutput(stream: string, row: WindowRow, expected: Map<string, number[]>) {
  const hour = `${row.windowStart.slice(0, 10)}/${row.windowStart.slice(11, 13)}`;
  const format = definitions[stream as keyof typeof definitions].outputs.format ?? 'jsonl';
  expect(row.output).toBe(`${output}/${stream}/${hour}/${row.windowStart}.${format}`);
  const text = await readText(row.output!.slice(output.length + 1));
  const rows = format === 'csv' ? csvRows(text) : jsonLines(text);
  // One block per shard of 7 devices, scored in waves; a CSV header only in the first.
  const blob = storage.container(output).getBlockBlobClient(row.output!.slice(output.length + 1));
  const { committedBlocks } = await blob.getBlockList('committed');
  expect(committedBlocks).toHaveLength(Math.ceil(expected.size / 7));
  if (format === 'csv')
    expect(text.split('\n').filter((line) => line.startsWith('deviceId,'))).toHaveLength(1);
  expect(rows.map((r) => r.deviceId).sort()).toEqual([...expected.keys()].sort());
  const reference = referencePredictions(
    'models/diabetes/model.onnx',
    rows.map((r) => expected.get(r.deviceId as string)!),
  ).variable!;
  rows.forEach((r, at) => {
    const direct = expected.get(r.deviceId as string)!;
    features.forEach((feature, i) => expect(r[feature] as number).toBeCloseTo(direct[i]!, 9));
    expect(r.variable as number).toBeCloseTo(reference[at]!, 3);
    expect(r).toMatchObject({ windowStart: row.windowStart, model: 'windowed' });
  });
  return rows;
}

async function registerModel(): Promise<number> {
  const card = { name: 'windowed', version: 1, features, outputs: ['variable'], task: 'regression' };
  const { status, body } = await api<{ version: number }>('models/windowed/versions', {
    method: 'POST',
    body: JSON.stringify({ card, onnxBase64: diabetesOnnx.toString('base64') }),
  });
  expect(status).toBe(201);
  const promoted = await api('models/windowed/stage', {
    method: 'POST',
    body: JSON.stringify({ version: body.version, stage: 'Production', reason: 'windowed test' }),
  });
  expect(promoted.status).toBe(200);
  return body.version;
}

beforeAll(async () => {
  ({ host, connection, key } = await startStreamHost({
    hostId,
    name: 'Windows',
    streams: definitions,
    settings: {
      SCORING_OUTPUT_CONTAINER: output,
      AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: '50',
      // 30 devices a window: 5 shards, scored in waves of 2.
      STREAM_WINDOW_SHARD_KEYS: '7',
      SCORING_MAX_CONCURRENCY: '2',
    },
  }));
  expect(await registerModel()).toBe(1);
});

afterAll(async () => {
  await host?.stop();
});

test('windows close on the watermark and commit features and predictions once; late and bad events are kept apart; a promotion applies from the next window', async () => {
  const first = readings(0, 10, 30, 1);
  const second = readings(10, 20, 30, 2);
  const third = readings(20, 30, 30, 3);
  const late = readings(0, 10, 1, 4).slice(0, 5);
  const bad: EventData[] = [
    { body: Buffer.from('{ not json') },
    { body: { ...first[0]!, temp: 'hot' } },
    { body: { ...first[1]!, at: undefined } },
  ];
  // Window +0s: all of its readings land before any reading closes it.
  await sendReadings(hubs.sensors, first);
  await produce(hubs.sensors, bad, () => 'bad');
  await eventsIn('sensors', 303);
  await eventsIn('hops', 303);
  // Window +10s: a reading at +12s or later closes window +0s (end + 2 s lateness).
  await sendReadings(hubs.sensors, second);
  await eventsIn('sensors', 603);
  await eventsIn('hops', 603);
  await windowDone('hops', -5);
  const w0 = await windowDone('sensors', 0);
  expect(w0).toMatchObject({ state: 'Committed', eventsIn: 300, keys: 30, scoredRows: 30, modelVersion: 1 });
  // A new version is promoted while window +10s is open: it scores that window and the next.
  const v2 = await registerModel();
  expect(v2).toBe(2);
  // Readings for window +0s after its commit are late; window +20s's readings close window +10s.
  await sendReadings(hubs.sensors, [...late, ...third]);
  await eventsIn('sensors', 908);
  await eventsIn('hops', 908);
  await windowDone('sensors', 10);
  await sendReadings(hubs.sensors, [
    { ...third[0]!, deviceId: 'closer', at: new Date(base + 45_000).toISOString() },
  ]);
  await windowDone('sensors', 20);
  const lateRow = await windowDone('sensors', 0, (row) => row.lateEvents === 5);
  expect(lateRow.eventsIn).toBe(300);

  const { body } = await api<{ windows: WindowRow[] }>('streams/sensors/windows');
  expect(body.windows.slice(0, 3).map((row) => [row.windowStart, row.state, row.modelVersion])).toEqual([
    [new Date(base).toISOString(), 'Committed', 1],
    [new Date(base + 10_000).toISOString(), 'Committed', 2],
    [new Date(base + 20_000).toISOString(), 'Committed', 2],
  ]);
  for (const [index, sent] of [first, second, third].entries()) {
    const row = body.windows[index]!;
    expect(row).toMatchObject({ eventsIn: 300, keys: 30, scoredRows: 30 });
    expect(row.closeToCommitMs).toEqual(expect.any(Number));
    const rows = await expectWindowOutput(
      'sensors',
      row,
      directFeatures(sent, base + index * 10_000, 10_000),
    );
    expect(rows.every((r) => r.modelVersion === (index === 0 ? 1 : 2))).toBe(true);
    const iso = new Date(base + index * 10_000).toISOString();
    const alerts = (await listNames(`sensors/_alerts/2026-06-01/10/${iso}`)).length;
    const over = rows.filter((r) => (r.variable as number) > 150).length;
    expect(alerts).toBe(over > 0 ? 1 : 0);
  }
  sent = [...first, ...second, ...third];
  lateSent = late;

  const lateBlobs = await listNames(`sensors/_late/`);
  const kept = (await Promise.all(lateBlobs.map(readText))).flatMap(jsonLines);
  expect(kept.map((event) => event.sequenceNumber).length).toBe(5);
  expect(
    kept.every((event) => /^window 2026-06-01T10:00:00.000Z closed at /.test(event.reason as string)),
  ).toBe(true);
  const deadLetters = (await Promise.all((await listNames('sensors/_deadletter/')).map(readText))).flatMap(
    jsonLines,
  );
  expect(deadLetters.map((event) => event.reason).sort()).toEqual([
    'field "at" is missing',
    'field "temp" must be a number, not a string "hot"',
    'the body is not a JSON object (it is not JSON, or JSON text)',
  ]);
  const { body: stream } = await api<Record<string, unknown>>('streams/sensors');
  expect(stream).toMatchObject({ eventsIn: 909, badEvents: 3, landedEvents: 906, running: true });
  expect(stream.lastWindow).toMatchObject({
    windowStart: new Date(base + 40_000).toISOString(),
    state: 'Open',
  });
});

test('hopping windows of 10 s every 5 s: each reading counts in both of its windows, as computed directly', async () => {
  // Window -5s was committed before the late readings were sent: those before +5s are late there.
  const late = lateSent.filter((reading) => Date.parse(reading.at) < base + 5_000).length;
  await windowDone('hops', -5, (row) => (row.lateEvents ?? 0) === late);
  for (const second of [-5, 10, 15, 20]) {
    const row = await windowDone('hops', second);
    const expected = directFeatures(sent, base + second * 1000, 10_000);
    const count = [...expected.values()].reduce((sum, values) => sum + values[0]!, 0);
    expect(row).toMatchObject({ state: 'Committed', keys: expected.size, eventsIn: count });
    await expectWindowOutput('hops', row, expected);
  }
});

test('GET /api/streams/{name}/windows takes a range; a bad bound is 400 naming it', async () => {
  const from = new Date(base + 10_000).toISOString();
  const to = new Date(base + 20_000).toISOString();
  const { status, body } = await api<{ windows: WindowRow[] }>(
    `streams/sensors/windows?from=${from}&to=${to}`,
  );
  expect(status).toBe(200);
  expect(body.windows.map((row) => row.windowStart)).toEqual([from]);
  expect(await api('streams/sensors/windows?from=yesterday')).toMatchObject({
    status: 400,
    body: { field: 'from', error: expect.stringMatching(/"from" must be an ISO 8601 time/) },
  });
  expect((await api('streams/nosuch/windows')).status).toBe(404);
});

test('a model that cannot score the window marks it Failed with the reason; the stream moves on', async () => {
  await sendReadings(hubs.broken, readings(0, 10, 3, 5));
  await sendReadings(hubs.broken, [{ ...readings(45, 46, 1, 6)[0]! }]);
  const row = await windowDone('broken', 0);
  expect(row).toMatchObject({ state: 'Failed', eventsIn: 30, modelVersion: expect.any(Number) });
  expect(row.reason).toMatch(
    /^model windowed@\d+ cannot score this window: Model "windowed" input "input" needs column\(s\) missing from the data: temp_min, /,
  );
  expect(await listNames('broken/2026-06-01/')).toEqual([]);
  const { body: status } = await api<{ errors: Record<string, unknown> }>('streams/broken');
  expect(status.errors).toMatchObject({
    failedWindows: 1,
    lastError: { windowStart: row.windowStart, message: row.reason, at: expect.any(String) },
  });
  await sendReadings(hubs.broken, readings(60, 61, 1, 7));
  await eventsIn('broken', 41);
});
