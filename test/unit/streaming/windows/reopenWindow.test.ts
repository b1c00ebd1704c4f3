import type { DurableClient } from 'durable-functions';
import { DataContainers } from '../../../../src/storage/DataContainers';
import { StorageClients } from '../../../../src/storage/StorageClients';
import { parseStreamDefinition } from '../../../../src/streaming/StreamDefinition';
import type { StreamingServices } from '../../../../src/streaming/StreamingServices';
import { StreamStore } from '../../../../src/streaming/StreamStore';
import { closeStreamWindow } from '../../../../src/streaming/windows/activities/closeStreamWindow';
import { commitStreamWindow } from '../../../../src/streaming/windows/activities/commitStreamWindow';
import { landWindowBatch } from '../../../../src/streaming/windows/landWindowBatch';
import { StreamWindowStore } from '../../../../src/streaming/windows/StreamWindowStore';
import type { StreamWindowInput } from '../../../../src/streaming/windows/windowContracts';
import { windowInstanceId } from '../../../../src/streaming/windows/windowNames';
import { WindowTracker } from '../../../../src/streaming/windows/WindowTracker';
import { uniqueName } from '../../../support/testStorage';

// `late: "reopen"` on Azurite, through the trigger's landing and the window's close and commit: late
// events re-open a committed window as its next version once, however many landings find it done and
// however often a batch is delivered again; the version commits over all landings and counts them.

const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const output = uniqueName('reopen');
const stream = parseStreamDefinition(
  {
    name: 'reopen',
    source: { hub: 'h' },
    schema: { id: 'string', at: 'timestamp', v: 'number' },
    key: 'id',
    mode: 'window',
    window: { size: '10s', eventTime: 'at', allowedLateness: '3s', late: 'reopen' },
    features: ['count', 'v_mean'],
    model: 'diabetes',
    outputs: { container: output, folder: 'reopen' },
  },
  'reopen.json',
);
const windows = new StreamWindowStore(storage, uniqueName('windows'));
const streams = new StreamStore(storage, uniqueName('streams'));
const services = {
  storage,
  windows,
  streams,
  // The close pins what the registry resolves; nothing is scored here.
  store: { resolve: () => Promise.resolve({ name: 'diabetes', version: 1, sha256: 'ab'.repeat(32) }) },
  tracker: new WindowTracker({ windows, streams, maxConcurrency: 2 }),
  containers: new DataContainers({
    read: [],
    write: [output],
    appContainers: [],
    watchedContainers: [],
    settings: { read: 'R', write: 'W' },
  }),
  outputContainer: output,
  windowShardRows: 100,
  definitions: [stream],
} as unknown as StreamingServices;

/** Orchestration instances kept in memory: what was started, with which input. */
const instances = new Map<string, StreamWindowInput>();
const client = {
  getStatus: (id: string) => Promise.resolve(instances.has(id) ? { runtimeStatus: 'Pending' } : {}),
  startNew: (_name: string, options: { instanceId: string; input: StreamWindowInput }) => {
    instances.set(options.instanceId, options.input);
    return Promise.resolve(options.instanceId);
  },
  raiseEvent: () => Promise.resolve(),
} as unknown as DurableClient;

const batch = (partitionId: string, first: number, count: number) => ({
  partitionId,
  events: Array.from({ length: count }, (_, i) => ({
    body: { id: `d${i % 3}`, at: 1000 + i, v: i },
    sequenceNumber: first + i,
    enqueuedTimeUtc: new Date(0).toISOString(),
  })),
});
/** Closes and commits the version as its orchestration does, with `eventsIn` as the aggregate counted. */
async function runVersion(version: number, eventsIn: number) {
  const ref = { stream: 'reopen', windowStart: 0, windowEnd: 10_000, ...(version > 1 ? { version } : {}) };
  const close = await closeStreamWindow(ref, services);
  const aggregate = { eventsIn, duplicates: 0, keys: 3, shards: 0 };
  return {
    close,
    outcome: await commitStreamWindow({ ...ref, close, aggregate, shards: [] }, services, client),
  };
}

test('late landings re-open a committed window once as version 2; it commits over all landings', async () => {
  await landWindowBatch(stream, batch('0', 0, 10), services, client);
  expect([...instances.keys()]).toEqual([windowInstanceId('reopen', 0)]);
  const v1 = await runVersion(1, 10);
  expect(v1.outcome).toMatchObject({ state: 'Committed', version: 1, lateEvents: 0 });

  // A burst of late landings, one delivered twice: one new version, started once.
  await landWindowBatch(stream, batch('0', 10, 4), services, client);
  await landWindowBatch(stream, batch('1', 0, 3), services, client);
  await landWindowBatch(stream, batch('0', 10, 4), services, client);
  expect(await windows.get('reopen', 0)).toMatchObject({ state: 'Open', version: 2, eventsIn: 10 });
  const v2Id = windowInstanceId('reopen', 0, 2);
  expect([...instances.keys()]).toEqual([windowInstanceId('reopen', 0), v2Id]);
  expect(instances.get(v2Id)).toMatchObject({ version: 2, reopenDelayMs: 3000, windowStart: 0 });

  const v2 = await runVersion(2, 17);
  expect(v2.close.landings.map((landing) => landing.name).sort()).toEqual([
    'reopen/_landing/000000000000000/0/00000000000000000000.jsonl',
    'reopen/_landing/000000000000000/0/00000000000000000010.jsonl',
    'reopen/_landing/000000000000000/1/00000000000000000000.jsonl',
  ]);
  expect(v2.close.previous).toEqual({ eventsIn: 10, lateEvents: 0 });
  expect(v2.outcome).toMatchObject({ state: 'Committed', version: 2, lateEvents: 7 });
  expect(await windows.get('reopen', 0)).toMatchObject({
    state: 'Committed',
    version: 2,
    eventsIn: 17,
    lateEvents: 7,
    reopenedAt: expect.any(String),
    committedAt: expect.any(String),
  });

  // The late batch delivered again after version 2 committed it (a crash before its checkpoint):
  // no version 3. Delivered again longer: its new events are late, version 3.
  await landWindowBatch(stream, batch('0', 10, 4), services, client);
  await landWindowBatch(stream, batch('1', 0, 3), services, client);
  expect(await windows.get('reopen', 0)).toMatchObject({ state: 'Committed', version: 2 });
  expect(instances.has(windowInstanceId('reopen', 0, 3))).toBe(false);
  await landWindowBatch(stream, batch('0', 10, 6), services, client);
  expect(await windows.get('reopen', 0)).toMatchObject({ state: 'Open', version: 3 });
  expect(instances.has(windowInstanceId('reopen', 0, 3))).toBe(true);
});

test('a landing while a version closes is re-opened by its commit; a lost start is started again', async () => {
  const closing = await closeStreamWindow(
    { stream: 'reopen', windowStart: 0, windowEnd: 10_000, version: 3 },
    services,
  );
  // Landed while version 3 was Closing: its trigger leaves it to the commit.
  await landWindowBatch(stream, batch('2', 0, 2), services, client);
  expect(await windows.get('reopen', 0)).toMatchObject({ state: 'Closing', version: 3 });
  const outcome = await commitStreamWindow(
    {
      stream: 'reopen',
      windowStart: 0,
      windowEnd: 10_000,
      version: 3,
      close: closing,
      aggregate: { eventsIn: 19, duplicates: 0, keys: 3, shards: 0 },
      shards: [],
    },
    services,
    client,
  );
  expect(outcome).toMatchObject({ state: 'Committed', version: 3, lateEvents: 9 });
  expect(await windows.get('reopen', 0)).toMatchObject({ state: 'Open', version: 4, lateEvents: 9 });
  // A crash between the re-open and its start: the batch delivered again starts version 4.
  instances.delete(windowInstanceId('reopen', 0, 4));
  await landWindowBatch(stream, batch('2', 0, 2), services, client);
  expect(instances.get(windowInstanceId('reopen', 0, 4))).toMatchObject({ version: 4 });
});
