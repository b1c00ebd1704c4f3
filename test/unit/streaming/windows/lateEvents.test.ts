import type { DurableClient } from 'durable-functions';
import { DataContainers } from '../../../../src/storage/DataContainers';
import { StorageClients } from '../../../../src/storage/StorageClients';
import { parseStreamDefinition } from '../../../../src/streaming/StreamDefinition';
import type { StreamingServices } from '../../../../src/streaming/StreamingServices';
import { StreamStore } from '../../../../src/streaming/StreamStore';
import { commitStreamWindow } from '../../../../src/streaming/windows/activities/commitStreamWindow';
import { eventsNotIncluded } from '../../../../src/streaming/windows/keepLateEvents';
import { landWindowBatch } from '../../../../src/streaming/windows/landWindowBatch';
import { StreamWindowStore } from '../../../../src/streaming/windows/StreamWindowStore';
import { listLandings } from '../../../../src/streaming/windows/windowBlobs';
import type { CommitWindowInput } from '../../../../src/streaming/windows/windowContracts';
import { WindowTracker } from '../../../../src/streaming/windows/WindowTracker';
import { uniqueName } from '../../../support/testStorage';

// Late events on Azurite, through the trigger's landing and the window's commit: which events a
// committed window did not include, whoever finds them first, and doing it again changes nothing.

const landing = (partitionId: string, firstSequence: number, lastSequence: number) => ({
  name: `s/_landing/w/${partitionId}/${firstSequence}.jsonl`,
  partitionId,
  firstSequence,
  lastSequence,
});
const event = (partitionId: string, sequenceNumber: number) => ({
  key: 'k',
  partitionId,
  sequenceNumber,
  eventTime: 0,
  values: {},
});

test('an event is included when a listed landing of its partition covers its sequence number', () => {
  const included = [landing('0', 10, 19), landing('1', 10, 12)];
  const events = [
    event('0', 9),
    event('0', 10),
    event('0', 19),
    event('0', 20),
    event('1', 13),
    event('2', 11),
  ];
  expect(eventsNotIncluded(events, included).map((e) => `${e.partitionId}:${e.sequenceNumber}`)).toEqual([
    '0:9',
    '0:20',
    '1:13',
    '2:11',
  ]);
});

describe('on Azurite', () => {
  const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
  const output = uniqueName('late');
  const stream = parseStreamDefinition(
    {
      name: 'late',
      source: { hub: 'h' },
      schema: { id: 'string', at: 'timestamp', v: 'number' },
      key: 'id',
      mode: 'window',
      window: { size: '10s', eventTime: 'at' },
      features: ['count', 'v_mean'],
      model: 'diabetes',
      outputs: { container: output, folder: 'late' },
    },
    'late.json',
  );
  const windows = new StreamWindowStore(storage, uniqueName('windows'));
  const streams = new StreamStore(storage, uniqueName('streams'));
  // Only what landing and commit use: no model is loaded, no orchestration is started or raised here.
  const services = {
    storage,
    windows,
    streams,
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
  const client = {} as DurableClient;
  const window = { start: 0, end: 10_000 };
  const batch = (partitionId: string, first: number, count: number) => ({
    partitionId,
    events: Array.from({ length: count }, (_, i) => ({
      body: { id: `d${i % 3}`, at: 1000 + i, v: i },
      sequenceNumber: first + i,
      enqueuedTimeUtc: new Date(0).toISOString(),
    })),
  });
  const commit = (landings: CommitWindowInput['close']['landings']) =>
    commitStreamWindow(
      {
        stream: 'late',
        windowStart: 0,
        windowEnd: 10_000,
        close: { closedAt: new Date().toISOString(), landings },
        aggregate: { eventsIn: 10, duplicates: 0, keys: 3, shards: 0 },
        shards: [],
      },
      services,
      client,
    );
  const lateRows = async () => {
    const rows: { partitionId: string; sequenceNumber: number }[] = [];
    for await (const blob of storage.container(output).listBlobsFlat({ prefix: 'late/_late/' })) {
      const text = (await storage.container(output).getBlobClient(blob.name).downloadToBuffer()).toString();
      rows.push(
        ...text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as never),
      );
    }
    return rows
      .filter((row) => row.sequenceNumber < 100)
      .map((row) => `${row.partitionId}:${row.sequenceNumber}`)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  };

  test('landings after the close are late, found by the commit or by their trigger, and counted once', async () => {
    // The close has claimed the window and listed the landings of two batches (0-9 and, in another
    // partition, 0-4).
    await windows.beginClose('late', window, new Date().toISOString());
    await landWindowBatch(stream, batch('0', 0, 10), services, client);
    await landWindowBatch(stream, batch('1', 0, 5), services, client);
    const listed = await listLandings(storage.container(output), 'late/_landing/');
    // Landed while the window was Closing: its trigger leaves it to the commit.
    await landWindowBatch(stream, batch('0', 10, 4), services, client);
    expect(await lateRows()).toEqual([]);

    const outcome = await commit(listed);
    expect(outcome).toMatchObject({ state: 'Committed', lateEvents: 4 });
    expect(await lateRows()).toEqual(['0:10', '0:11', '0:12', '0:13']);

    // After the commit the trigger keeps its own late events: that batch delivered again, longer
    // (10-16); the included batch of partition 1 delivered again, longer (0-6): only 5 and 6 are late.
    await landWindowBatch(stream, batch('0', 10, 7), services, client);
    await landWindowBatch(stream, batch('1', 0, 7), services, client);
    const late = ['0:10', '0:11', '0:12', '0:13', '0:14', '0:15', '0:16', '1:5', '1:6'];
    expect(await lateRows()).toEqual(late);
    expect(await windows.get('late', 0)).toMatchObject({ state: 'Committed', lateEvents: 9 });

    // The commit run again (an activity retried) finds the same late events and the same count.
    expect(await commit(listed)).toMatchObject({ state: 'Committed', lateEvents: 9 });
    expect(await lateRows()).toEqual(late);
    expect(await windows.get('late', 0)).toMatchObject({ state: 'Committed', lateEvents: 9, landings: 2 });
  });

  test('an event kept late in two blobs (two readers of a partition) is counted once', async () => {
    const other = { start: 10_000, end: 20_000 };
    await windows.beginClose('late', other, new Date().toISOString());
    const at = (first: number, count: number) => {
      const delivered = batch('0', first, count);
      return {
        ...delivered,
        events: delivered.events.map((e) => ({ ...e, body: { ...e.body, at: 12_000 } })),
      };
    };
    await commitStreamWindow(
      {
        stream: 'late',
        windowStart: other.start,
        windowEnd: other.end,
        close: { closedAt: new Date().toISOString(), landings: [] },
        shards: [],
      },
      services,
      client,
    );
    await landWindowBatch(stream, at(100, 5), services, client);
    await landWindowBatch(stream, at(103, 5), services, client);
    expect(await windows.get('late', other.start)).toMatchObject({ state: 'Committed', lateEvents: 8 });
  });
});
