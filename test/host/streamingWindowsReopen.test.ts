import { readFileSync } from 'node:fs';
import { EventHubProducerClient } from '@azure/event-hubs';
import { StorageClients } from '../../src/storage/StorageClients';
import { referencePredictions } from '../support/scoringHarness';
import { directFeatures, readings, sensorFeatures, type Reading } from '../support/sensorReadings';
import { startStreamHost } from '../support/streamHost';
import type { TestHost } from '../support/TestHost';
import { blobReader, jsonLines, until, type WindowRow } from '../support/windowStreamProbes';
import { uniqueName } from '../support/testStorage';

// late: "reopen" end to end: a window commits as version 1; readings for it sent afterwards (with the
// unmodified EventHubProducerClient, a burst over several partitions) re-open it once, and version 2
// commits every reading, features as computed directly, predictions as plain onnxruntime's, to its
// own blob beside version 1's.
const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const hostId = uniqueName('reopen');
const output = uniqueName('reopenout');
const hub = uniqueName('reopen');
const base = Date.parse('2026-06-03T09:00:00Z');
const iso = new Date(base).toISOString();
let host: TestHost;
let key: string;
let connection: string;

const definition = {
  name: 'reopen',
  source: { hub },
  schema: { deviceId: 'string', at: 'timestamp', temp: 'number', rpm: 'number', vib: 'number' },
  key: 'deviceId',
  mode: 'window',
  window: { size: '10s', allowedLateness: '4s', eventTime: 'at', idleTimeout: '2m', late: 'reopen' },
  features: sensorFeatures,
  model: 'windowed',
  outputs: { folder: 'reopen' },
};

/** Each device's readings in one batch keyed by the device: several partitions. */
async function send(list: Reading[]): Promise<void> {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    const devices = [...new Set(list.map((reading) => reading.deviceId))];
    for (const device of devices) {
      const batch = await producer.createBatch({ partitionKey: device });
      for (const body of list.filter((reading) => reading.deviceId === device))
        expect(batch.tryAdd({ body })).toBe(true);
      await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
}

async function api<T>(route: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await host.fetch(`/api/${route}`, {
    ...init,
    headers: { 'x-functions-key': key, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as T };
}

type VersionedRow = WindowRow & { version: number; reopenedAt?: string; committedAt: string };
const windowAt = (check: (row: VersionedRow) => boolean) =>
  until(
    `window ${iso} of reopen`,
    async () => {
      const { body } = await api<{ windows: VersionedRow[] }>('streams/reopen/windows');
      const row = body.windows.find((candidate) => candidate.windowStart === iso);
      return row && check(row) ? row : undefined;
    },
    () => host.output(),
  );

const { readText, listNames } = blobReader(storage, output);

/** The version's output: a row per device, features as computed directly, onnxruntime's predictions. */
async function expectOutput(row: VersionedRow, sent: readonly Reading[]) {
  const expected = directFeatures(sent, base, 10_000);
  const rows = jsonLines(await readText(row.output!.slice(output.length + 1)));
  expect(rows.map((r) => r.deviceId).sort()).toEqual([...expected.keys()].sort());
  const reference = referencePredictions(
    'models/diabetes/model.onnx',
    rows.map((r) => expected.get(r.deviceId as string)!),
  ).variable!;
  rows.forEach((r, at) => {
    const direct = expected.get(r.deviceId as string)!;
    sensorFeatures.forEach((feature, i) => expect(r[feature] as number).toBeCloseTo(direct[i]!, 9));
    expect(r.variable as number).toBeCloseTo(reference[at]!, 3);
  });
}

beforeAll(async () => {
  ({ host, connection, key } = await startStreamHost({
    hostId,
    name: 'Reopen',
    streams: { reopen: definition },
    settings: {
      SCORING_OUTPUT_CONTAINER: output,
    },
  }));
  const card = { name: 'windowed', version: 1, features: sensorFeatures, outputs: ['variable'] };
  const registered = await api('models/windowed/versions', {
    method: 'POST',
    body: JSON.stringify({ card, onnxBase64: readFileSync('models/diabetes/model.onnx').toString('base64') }),
  });
  expect(registered.status).toBe(201);
});

afterAll(async () => {
  await host?.stop();
});

test('late readings re-open a committed window once: version 2 commits them all beside version 1', async () => {
  const first = readings(base, 0, 10, 8, 1);
  await send(first);
  // Readings at +14 s or later move the watermark past the window's end + lateness: it closes.
  await send(readings(base, 14, 20, 2, 2).map((reading) => ({ ...reading, deviceId: 'closer' })));
  const v1 = await windowAt((row) => row.state === 'Committed');
  expect(v1).toMatchObject({ version: 1, eventsIn: 80, keys: 8, lateEvents: 0 });
  expect(v1.output).toBe(`${output}/reopen/2026-06-03/09/${iso}.jsonl`);
  await expectOutput(v1, first);

  // A burst of late readings, over as many partitions as devices (3 of them also in version 1): the
  // re-opened version waits the allowed lateness (4 s) for all of them.
  const late = readings(base, 0, 10, 3, 3).map((reading, at) => ({
    ...reading,
    deviceId: at < 10 ? reading.deviceId : `late${reading.deviceId}`,
  }));
  await send(late);
  const v2 = await windowAt((row) => row.version >= 2 && row.state === 'Committed');
  expect(v2).toMatchObject({ version: 2, eventsIn: 110, keys: 10, lateEvents: 30 });
  expect(Date.parse(v2.committedAt)).toBeGreaterThan(Date.parse(v2.reopenedAt!));
  expect(v2.output).toBe(`${output}/reopen/2026-06-03/09/${iso}.v2.jsonl`);
  await expectOutput(v2, [...first, ...late]);
  // Version 1's blob is as it was; nothing went to late blobs; no third version.
  await expectOutput(v1, first);
  expect(await listNames('reopen/_late/')).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await windowAt(() => true)).toMatchObject({ version: 2, state: 'Committed', eventsIn: 110 });
});
