import { message } from 'rhea';
import { EventHubLog, type EventHubLogOptions } from '../../../src/host/eventHubs/EventHubLog';
import {
  InvalidEventsError,
  type EventToSend,
  type StoredEvent,
} from '../../../src/host/eventHubs/EventHubEvent';
import { eventHubsContainer } from '../../../src/host/eventHubs/log/SegmentStore';
import { testStorage, uniqueName } from '../../support/testStorage';

// Each hub is new, and every open is a separate view, as another process would have.
const storage = testStorage();
const container = storage.blobs.getContainerClient(eventHubsContainer);

function open(hub: string, options: EventHubLogOptions = {}, partitionCount = 2): Promise<EventHubLog> {
  return EventHubLog.open(storage, hub, partitionCount, options);
}

async function readAll(log: EventHubLog, partitionId: string, batch = 1000): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const next = await log.read(partitionId, events.length, batch);
    if (next.length === 0) return events;
    events.push(...next);
  }
}

async function segmentNames(hub: string, partitionId: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${hub}/${partitionId}/` }))
    names.push(blob.name);
  return names;
}

function textEvents(prefix: string, count: number, size = 0): EventToSend[] {
  return Array.from({ length: count }, (_, n) => ({ body: `${prefix}-${n}`.padEnd(size, '.') }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventHubLog: appending and reading', () => {
  it('reads back text, bytes, properties and partition keys as they were appended', async () => {
    const hub = uniqueName('roundtrip');
    const log = await open(hub);
    const sent: EventToSend[] = [
      { body: 'plain text', properties: { n: 1, nested: { ok: true } }, partitionKey: 'k1' },
      { body: Buffer.from([0, 1, 2, 255]) },
      { body: '', partitionKey: '' },
    ];
    const stored = await log.append('1', sent);
    const read = await (await open(hub)).read('1', 0, 10);
    for (const events of [stored, read]) {
      expect(events.map((event) => event.sequenceNumber)).toEqual([0, 1, 2]);
      expect(events[0]).toMatchObject({
        bodyIsText: true,
        properties: { n: 1, nested: { ok: true } },
        partitionKey: 'k1',
      });
      expect(events[0]!.body.toString()).toBe('plain text');
      expect(events[1]).toMatchObject({ bodyIsText: false, properties: {} });
      expect([...events[1]!.body]).toEqual([0, 1, 2, 255]);
      expect(events[1]!.partitionKey).toBeUndefined();
      expect(events[2]).toMatchObject({ bodyIsText: true, partitionKey: '' });
    }
    expect(read.map((event) => [event.offset, event.enqueuedTime.getTime()])).toEqual(
      stored.map((event) => [event.offset, event.enqueuedTime.getTime()]),
    );
    expect(await log.read('0', 0, 10)).toEqual([]);
  });

  it('keeps AMQP messages byte for byte and reads body and properties from them', async () => {
    const hub = uniqueName('amqp');
    const log = await open(hub);
    const messages = [
      {
        body: message.data_section(Buffer.from('raw bytes')),
        application_properties: { kind: 'data', n: 7 },
      },
      { body: 'a string value', message_id: 'id-1' },
      { body: { json: [1, 2] } },
      { body: message.sequence_section([1, 'two']) },
      { body: message.data_sections([Buffer.from('ab'), Buffer.from('cd')]) },
    ];
    const encoded = messages.map((each) => message.encode(each));
    await log.append('0', [
      ...encoded.map((amqp, n) => ({
        body: 'ignored',
        properties: { ignored: true },
        amqp,
        partitionKey: `p${n}`,
      })),
      { body: 'not amqp', properties: { plain: true } },
    ]);
    const read = await (await open(hub)).read('0', 0, 10);
    expect(
      read.map((event) => event.amqp && Buffer.compare(event.amqp, encoded[event.sequenceNumber]!)),
    ).toEqual([0, 0, 0, 0, 0, undefined]);
    expect(
      read.map((event) => [event.body.toString(), event.bodyIsText, event.properties, event.partitionKey]),
    ).toEqual([
      ['raw bytes', false, { kind: 'data', n: 7 }, 'p0'],
      ['a string value', true, {}, 'p1'],
      ['{"json":[1,2]}', true, {}, 'p2'],
      ['[1,"two"]', true, {}, 'p3'],
      ['abcd', false, {}, 'p4'],
      ['not amqp', true, { plain: true }, undefined],
    ]);
  });

  it('refuses an event over 1 MiB, naming it, and writes none of the call', async () => {
    const log = await open(uniqueName('big'));
    const big = Buffer.alloc(1024 * 1024 + 1);
    const append = log.append('0', [{ body: 'fine' }, { body: big }]);
    await expect(append).rejects.toThrow(InvalidEventsError);
    await expect(append).rejects.toThrow(/^Event 1: it is 1048577 bytes .*at most 1048576 bytes/);
    expect(await log.read('0', 0, 10)).toEqual([]);
    await expect(log.append('2', [{ body: 'x' }])).rejects.toThrow('there is no partition "2"');
    expect(await log.append('0', [{ body: Buffer.alloc(1024 * 1024) }])).toHaveLength(1);
  });

  it('numbers events densely with rising offsets across segment rolls and multi-block appends', async () => {
    const hub = uniqueName('rolls');
    const log = await open(hub, { segmentBytes: 4096, blockBytes: 1024 });
    const sizes = [1, 5, 12, 3, 30, 1, 8, 2, 20, 4];
    const sent: StoredEvent[] = [];
    for (const [call, size] of sizes.entries())
      sent.push(...(await log.append('0', textEvents(`c${call}`, size, 90))));
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(sent.map((event) => event.sequenceNumber)).toEqual([...Array(total).keys()]);
    expect((await segmentNames(hub, '0')).length).toBeGreaterThan(3);

    const reader = await open(hub);
    const read = await readAll(reader, '0', 7);
    expect(read.map((event) => event.body.toString())).toEqual(sent.map((event) => event.body.toString()));
    expect(read.map((event) => event.offset)).toEqual(sent.map((event) => event.offset));
    expect(read.every((event, n) => n === 0 || event.offset > read[n - 1]!.offset)).toBe(true);
    // Readers sharing one log, reading at once from anywhere, get the same events.
    const shared = await open(hub);
    const starts = [0, 13, 40, 70, 85, 13];
    const slices = await Promise.all(starts.map((start) => shared.read('0', start, 9)));
    slices.forEach((slice, n) =>
      expect(slice.map((event) => event.offset)).toEqual(
        sent.slice(starts[n], starts[n]! + 9).map((event) => event.offset),
      ),
    );
    // Random access lands on the same events.
    expect((await reader.read('0', 41, 3)).map((event) => event.body.toString())).toEqual(
      ['c4-20', 'c4-21', 'c4-22'].map((b) => b.padEnd(90, '.')),
    );
  });

  it('lets a reader in another process see appends made after it reached the end', async () => {
    const hub = uniqueName('follow');
    const writer = await open(hub, { segmentBytes: 2048 });
    const reader = await open(hub);
    expect(await reader.read('1', 0, 10)).toEqual([]);
    await writer.append('1', textEvents('a', 3));
    expect((await reader.read('1', 0, 10)).map((event) => event.sequenceNumber)).toEqual([0, 1, 2]);
    for (let round = 0; round < 5; round++) await writer.append('1', textEvents(`r${round}`, 10, 100));
    const rest = await readAll(reader, '1');
    expect(rest.map((event) => event.sequenceNumber)).toEqual([...Array(53).keys()]);
  });
});

describe('EventHubLog: several writers', () => {
  it('two writers appending 200 times each to one partition get 400 dense, distinct sequence numbers', async () => {
    const hub = uniqueName('writers');
    const [first, second] = await Promise.all([open(hub), open(hub)]);
    const run = async (log: EventHubLog, name: string) => {
      const results: StoredEvent[] = [];
      for (let call = 0; call < 200; call++)
        results.push(...(await log.append('0', [{ body: `${name}-${call}` }])));
      return results;
    };
    const [a, b] = await Promise.all([run(first, 'a'), run(second, 'b')]);
    const numbers = [...a, ...b].map((event) => event.sequenceNumber).sort((x, y) => x - y);
    expect(numbers).toEqual([...Array(400).keys()]);
    const read = await readAll(await open(hub), '0');
    expect(read).toHaveLength(400);
    expect(new Set(read.map((event) => event.body.toString())).size).toBe(400);
    // Each writer's events come in the order it appended them.
    const order = (name: string) =>
      read
        .filter((event) => event.body.toString().startsWith(`${name}-`))
        .map((event) => Number(event.body.toString().slice(2)));
    expect(order('a')).toEqual([...Array(200).keys()]);
    expect(order('b')).toEqual([...Array(200).keys()]);
  });

  it('keeps each multi-block append whole and consecutive when writers race', async () => {
    const hub = uniqueName('batches');
    const options = { blockBytes: 600, segmentBytes: 8192 };
    const logs = await Promise.all([open(hub, options), open(hub, options), open(hub, options)]);
    await Promise.all(
      logs.map(async (log, writer) => {
        for (let call = 0; call < 15; call++) await log.append('1', textEvents(`w${writer}c${call}`, 6, 200));
      }),
    );
    const read = await readAll(await open(hub), '1', 13);
    expect(read.map((event) => event.sequenceNumber)).toEqual([...Array(270).keys()]);
    const calls = read.map((event) => event.body.toString().split('-')[0]);
    for (let start = 0; start < calls.length; start += 6) {
      expect(new Set(calls.slice(start, start + 6)).size).toBe(1);
    }
    expect(new Set(calls).size).toBe(45);
  });

  it('agrees on one partition count when two processes create a hub at once', async () => {
    const hub = uniqueName('create');
    const [a, b] = await Promise.all([open(hub, {}, 3), open(hub, {}, 5)]);
    expect(a.partitionCount).toBe(b.partitionCount);
    expect(a.createdAt.getTime()).toBe(b.createdAt.getTime());
    expect((await open(hub, {}, 8)).partitionCount).toBe(a.partitionCount);
  });
});

describe('EventHubLog: partition information, positions and retention', () => {
  it('reports empty, written and expired partitions as Event Hubs does', async () => {
    const hub = uniqueName('info');
    const log = await open(hub, { retentionHours: 1 });
    expect(await log.partitionInfo('0')).toEqual({
      beginningSequenceNumber: 0,
      lastEnqueuedSequenceNumber: -1,
      lastEnqueuedOffset: -1,
      lastEnqueuedTime: new Date(0),
      isEmpty: true,
    });
    const stored = await log.append('0', textEvents('e', 4));
    const last = stored[3]!;
    expect(await (await open(hub)).partitionInfo('0')).toEqual({
      beginningSequenceNumber: 0,
      lastEnqueuedSequenceNumber: 3,
      lastEnqueuedOffset: last.offset,
      lastEnqueuedTime: last.enqueuedTime,
      isEmpty: false,
    });
    expect(await log.enforceRetention(new Date(last.enqueuedTime.getTime() + 3_600_001))).toBe(4);
    expect(await log.partitionInfo('0')).toEqual({
      beginningSequenceNumber: 4,
      lastEnqueuedSequenceNumber: 3,
      lastEnqueuedOffset: -1,
      lastEnqueuedTime: last.enqueuedTime,
      isEmpty: true,
    });
    expect(await log.read('0', 0, 10)).toEqual([]);
    const [next] = await log.append('0', [{ body: 'after' }]);
    expect(next).toMatchObject({ sequenceNumber: 4 });
    expect(next!.offset).toBeGreaterThan(last.offset);
  });

  it('finds the first event for offset and enqueued-time filters', async () => {
    const hub = uniqueName('positions');
    const log = await open(hub, { segmentBytes: 600 });
    const first = await log.append('1', textEvents('a', 3, 100));
    await sleep(20);
    const second = await log.append('1', textEvents('b', 3, 100));
    const all = [...first, ...second];
    const reader = await open(hub);
    const at = (offset: number, inclusive: boolean) => reader.firstSequenceNumber('1', { offset, inclusive });
    expect(await at(-1, false)).toBe(0);
    expect(await at(all[0]!.offset, true)).toBe(0);
    expect(await at(all[0]!.offset, false)).toBe(1);
    expect(await at(all[3]!.offset, true)).toBe(3);
    expect(await at(all[3]!.offset, false)).toBe(4);
    expect(await at(all[4]!.offset - 1, false)).toBe(4);
    expect(await at(all[5]!.offset, false)).toBe(6);
    expect(await at(all[5]!.offset + 1_000_000, true)).toBe(6);
    const after = (time: Date) => reader.firstSequenceNumber('1', { enqueuedAfter: time });
    expect(await after(new Date(0))).toBe(0);
    expect(await after(first[0]!.enqueuedTime)).toBe(3);
    expect(await after(second[0]!.enqueuedTime)).toBe(6);
    expect(await reader.firstSequenceNumber('0', { offset: -1, inclusive: false })).toBe(0);
    expect(await reader.firstSequenceNumber('0', { enqueuedAfter: new Date(0) })).toBe(0);
  });

  it('removes only the segments whose newest event is past retention', async () => {
    const hub = uniqueName('retention');
    // Every append starts a segment of its own.
    const log = await open(hub, { retentionHours: 1, segmentBytes: 1 });
    const old = await log.append('0', textEvents('old', 3));
    await sleep(30);
    const recent = await log.append('0', textEvents('new', 2));
    const hour = 3_600_000;
    expect(await log.enforceRetention(new Date(old[2]!.enqueuedTime.getTime() + hour + 10))).toBe(3);
    const reader = await open(hub);
    expect((await reader.read('0', 0, 10)).map((event) => event.body.toString())).toEqual(['new-0', 'new-1']);
    expect((await reader.partitionInfo('0')).beginningSequenceNumber).toBe(3);
    expect(await reader.firstSequenceNumber('0', { offset: old[0]!.offset, inclusive: true })).toBe(3);
    expect(await log.enforceRetention(new Date(recent[1]!.enqueuedTime.getTime() + hour + 10))).toBe(2);
    expect(await log.read('0', 3, 10)).toEqual([]);
    expect(await (await open(hub)).read('0', 0, 10)).toEqual([]);
    expect(await log.enforceRetention(new Date(recent[1]!.enqueuedTime.getTime() + 2 * hour))).toBe(0);
  });
});

describe('EventHubLog: damaged segments', () => {
  it('names hub, partition, segment and byte when a block is not one of its own', async () => {
    const hub = uniqueName('damaged');
    const log = await open(hub);
    const stored = await log.append('0', textEvents('ok', 2));
    const [segment] = await segmentNames(hub, '0');
    const blob = container.getAppendBlobClient(segment!);
    const length = (await blob.getProperties()).contentLength!;
    const garbage = Buffer.from('this is not a log block, just some foreign bytes appended to the segment');
    await blob.appendBlock(garbage, garbage.length);
    const where = `Event hub '${hub}', partition 0: segment ${eventHubsContainer}/${segment}, byte`;
    // A reader gets the events before the damage, then an error that says where it is.
    const reader = await open(hub);
    expect(await reader.read('0', 0, 10)).toEqual(stored);
    await expect(reader.read('0', 2, 10)).rejects.toThrow(
      `${where} ${length}: not a valid log block (no block header magic).`,
    );
    await expect((await open(hub)).append('0', [{ body: 'more' }])).rejects.toThrow(
      `${where} ${length + garbage.length - 40}: the segment does not end with a block trailer`,
    );
  });
});
