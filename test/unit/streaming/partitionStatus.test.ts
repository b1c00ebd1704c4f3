import { ValidationError } from '../../../src/errors';
import { StorageClients } from '../../../src/storage/StorageClients';
import { EventHubPartitionTails } from '../../../src/streaming/EventHubPartitionTails';
import { partitionStatus } from '../../../src/streaming/partitionStatus';
import { recordingFailures } from '../../../src/streaming/recordingFailures';
import { parseStreamDefinition } from '../../../src/streaming/StreamDefinition';
import type { StreamingServices } from '../../../src/streaming/StreamingServices';
import { StreamStore } from '../../../src/streaming/StreamStore';
import { uniqueName } from '../../support/testStorage';

// A stream's partitions as GET /api/streams/{name} shows them: lag against the hub's tail, events per
// second, and errors, from what the streams table records (on Azurite).

const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const store = new StreamStore(storage, uniqueName('status'));
const stream = parseStreamDefinition(
  {
    name: 'status',
    source: { hub: '%HUB%', connection: 'StatusConnection' },
    schema: { id: 'string', v: 'number' },
    key: 'id',
    features: ['v'],
    model: 'diabetes',
    outputs: { folder: 'status' },
  },
  'status.json',
);
const t0 = Date.parse('2026-06-01T10:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
const events = (first: number, count: number, bad: number[] = []) =>
  Array.from({ length: count }, (_, i) =>
    bad.includes(first + i)
      ? { sequenceNumber: first + i, outcome: 'bad' as const, reason: `field "v" is missing` }
      : { sequenceNumber: first + i, outcome: 'scored' as const },
  );

test('lag, events per second over the last minute and since the first batch, and the last error', async () => {
  await store.recordBatch('status', { partitionId: '0', events: events(0, 30), at: at(0) });
  await store.recordBatch('status', { partitionId: '0', events: events(30, 60, [41, 44]), at: at(50) });
  // Delivered again (a crash before its checkpoint): nothing counted twice.
  await store.recordBatch('status', { partitionId: '0', events: events(30, 60, [41, 44]), at: at(51) });
  await store.recordBatch('status', { partitionId: '1', events: events(0, 12), at: at(20) });
  const progress = await store.partitions('status');
  const tails = [
    { partitionId: '0', lastEnqueuedSequenceNumber: 99 },
    { partitionId: '1', lastEnqueuedSequenceNumber: 11 },
    { partitionId: '2', lastEnqueuedSequenceNumber: 4 },
  ];
  const [p0, p1, p2] = partitionStatus(progress, tails, t0 + 70_000);
  expect(p0).toMatchObject({
    eventsIn: 90,
    lastSequenceNumber: 89,
    lastEnqueuedSequenceNumber: 99,
    lag: 10,
    // The batch at +0 s is more than a minute before +70 s; the 60 events at +50 s are not.
    eventsPerSecond: { lastMinute: 1, sinceFirstBatch: Math.round((90 / 70) * 100) / 100 },
    errors: { badEvents: 2, lastError: { message: 'event 44: field "v" is missing', at: at(50) } },
  });
  expect(p0).not.toHaveProperty('recentCounts');
  expect(p1).toMatchObject({ lag: 0, eventsPerSecond: { lastMinute: 0.2 }, errors: { lastError: null } });
  // A partition the stream never read: all of it is lag.
  expect(p2).toMatchObject({ partitionId: '2', eventsIn: 0, lag: 5, lastBatchAt: null });
  // The hub could not be read: no lag, the rest as recorded.
  expect(partitionStatus(progress, undefined, t0 + 70_000).map((p) => [p.partitionId, p.lag])).toEqual([
    ['0', null],
    ['1', null],
  ]);
});

test('a batch that fails is its partition last error, with the time; the failure is thrown again', async () => {
  const services = { streams: store } as unknown as StreamingServices;
  const batch = { partitionId: '1', events: [{ body: {}, sequenceNumber: 12, enqueuedTimeUtc: at(0) }] };
  await expect(
    recordingFailures(stream, batch, services, () =>
      Promise.reject(new Error('storage unreachable\n  at x')),
    ),
  ).rejects.toThrow('storage unreachable');
  const row = (await store.partitions('status')).find((p) => p.partitionId === '1');
  expect(row).toMatchObject({
    eventsIn: 12,
    lastSequenceNumber: 11,
    lastError: 'the batch from sequence number 12 failed: storage unreachable',
    lastErrorAt: expect.stringMatching(/^\d{4}-/),
  });
});

test('the hub is read with the stream connection setting; a missing one says which', async () => {
  const tails = new EventHubPartitionTails({ HUB: 'h' });
  await expect(tails.read(stream)).rejects.toThrow(
    new ValidationError('The app setting StatusConnection (source.connection) is not set.'),
  );
});

test('a row written elsewhere between two batches is read again, not overwritten', async () => {
  const name = uniqueName('elsewhere');
  const first = new StreamStore(storage, name);
  await first.recordBatch('s', { partitionId: '0', events: events(0, 10), at: at(0) });
  // Another host took the partition for a while and counted ten more; then a failed batch was recorded.
  await new StreamStore(storage, name).recordBatch('s', {
    partitionId: '0',
    events: events(10, 10),
    at: at(5),
  });
  await first.recordError('s', '0', 'the batch failed', at(6));
  const progress = await first.recordBatch('s', { partitionId: '0', events: events(15, 10), at: at(10) });
  expect(progress).toMatchObject({
    eventsIn: 25,
    lastSequenceNumber: 24,
    lastError: 'the batch failed',
    firstBatchAt: at(0),
  });
  expect(await first.partitions('s')).toEqual([progress]);
});
