import type { DurableClient } from 'durable-functions';
import { StorageClients } from '../../../../src/storage/StorageClients';
import { parseStreamDefinition } from '../../../../src/streaming/StreamDefinition';
import { StreamStore } from '../../../../src/streaming/StreamStore';
import { StreamWindowStore } from '../../../../src/streaming/windows/StreamWindowStore';
import { windowInstanceId } from '../../../../src/streaming/windows/windowNames';
import { WindowTracker } from '../../../../src/streaming/windows/WindowTracker';
import { uniqueName } from '../../../support/testStorage';

// Which windows the tracker closes, and when, with the tables on Azurite and a task hub held in memory:
// by default the latest event time in any partition closes them; with `watermark: "partitions"`, the
// earliest of the active partitions' latest event times.

const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const stream = parseStreamDefinition(
  {
    name: 'skew',
    source: { hub: 'h' },
    schema: { id: 'string', at: 'timestamp', v: 'number' },
    key: 'id',
    mode: 'window',
    window: {
      size: '10s',
      eventTime: 'at',
      allowedLateness: '2s',
      idleTimeout: '30s',
      watermark: 'partitions',
    },
    features: ['count'],
    model: 'diabetes',
    outputs: { folder: 'skew' },
  },
  'skew.json',
);

/** A task hub in memory: the instances started, and the close events raised, in order. */
function taskHub() {
  const started = new Set<string>();
  const closed: string[] = [];
  const client = {
    getStatus: (id: string) => Promise.resolve(started.has(id) ? { runtimeStatus: 'Running' } : undefined),
    startNew: (_name: string, options: { instanceId: string }) => {
      started.add(options.instanceId);
      return Promise.resolve(options.instanceId);
    },
    raiseEvent: (id: string) => {
      closed.push(id);
      return Promise.resolve();
    },
  } as unknown as DurableClient;
  return { client, closed };
}

function tracker(clock: { now: number }) {
  const windows = new StreamWindowStore(storage, uniqueName('windows'));
  const streams = new StreamStore(storage, uniqueName('streams'));
  return new WindowTracker({ windows, streams, maxConcurrency: 2, now: () => clock.now });
}

const first = { start: 0, end: 10_000 };
const firstId = windowInstanceId('skew', 0);

test('by default, the latest event time in any partition closes the window', async () => {
  const clock = { now: 500_000 };
  const windows = tracker(clock);
  const { client, closed } = taskHub();
  const latest = { ...stream, window: { ...stream.window!, watermark: 'latest' as const } };
  await windows.ensureStarted(latest, first, client);
  await windows.advance(latest, '1', 4_000, client);
  await windows.advance(latest, '0', 11_999, client);
  expect(closed).toEqual([]);
  await windows.advance(latest, '0', 12_000, client);
  expect(closed).toEqual([firstId]);
});

test('watermark "partitions": a partition running behind holds the window open until it passes end + lateness', async () => {
  const clock = { now: 1_000_000 };
  const windows = tracker(clock);
  const { client, closed } = taskHub();
  await windows.ensureStarted(stream, first, client);
  await windows.advance(stream, '0', 5_000, client);
  await windows.advance(stream, '1', 4_000, client);
  await windows.advance(stream, '0', 30_000, client); // far ahead: partition 1 is still at 4 s
  expect(closed).toEqual([]);
  await windows.advance(stream, '1', 11_999, client); // 10 s + 2 s lateness not passed yet
  expect(closed).toEqual([]);
  await windows.advance(stream, '1', 12_000, client);
  expect(closed).toEqual([firstId]);
});

test('watermark "partitions": a partition that sent nothing for the idle timeout no longer holds it back', async () => {
  const clock = { now: 2_000_000 };
  const windows = tracker(clock);
  const { client, closed } = taskHub();
  await windows.ensureStarted(stream, first, client);
  await windows.advance(stream, '1', 3_000, client);
  await windows.advance(stream, '0', 20_000, client);
  expect(closed).toEqual([]);
  clock.now += 30_001; // partition 1 silent for longer than the stream's idle timeout (30 s)
  await windows.advance(stream, '0', 20_500, client);
  expect(closed).toEqual([firstId]);
});
