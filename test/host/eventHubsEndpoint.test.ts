import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  latestEventPosition,
  type EventPosition,
  type ReceivedEventData,
} from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { HubDirectory } from '../../src/host/eventHubs/HubDirectory';
import { EventHubsEndpoint } from '../../src/host/eventHubs/amqp/EventHubsEndpoint';
import { emulatorKey } from '../../src/host/eventHubs/amqp/sasToken';
import { EventHubLog } from '../../src/host/eventHubs/EventHubLog';
import { testStorage, uniqueName } from '../support/testStorage';

const hub = uniqueName('amqp');
// Read only by the consuming tests, so that its partitions hold exactly what they sent.
const readHub = uniqueName('amqpread');
let endpoint: EventHubsEndpoint;
let connection: string;

beforeAll(async () => {
  const storage = testStorage();
  const hubs = new HubDirectory({
    hubs: [hub, readHub],
    openLog: (name) => EventHubLog.open(storage, name, 4),
    howToAddHub: 'Declare it.',
  });
  endpoint = await EventHubsEndpoint.start({ port: 0, keys: [emulatorKey], hubs, log: console });
  connection = endpoint.connectionString();
});

afterAll(async () => {
  await endpoint?.stop();
});

async function receive(
  consumer: EventHubConsumerClient,
  partitionId: string,
  count: number,
  startPosition: EventPosition = earliestEventPosition,
): Promise<ReceivedEventData[]> {
  const received: ReceivedEventData[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = consumer.subscribe(
      partitionId,
      {
        processEvents: async (events) => {
          received.push(...events);
          if (received.length >= count) {
            await subscription.close();
            resolve();
          }
        },
        processError: (error) => {
          reject(error);
          return Promise.resolve();
        },
      },
      { startPosition, maxWaitTimeInSeconds: 1 },
    );
  });
  return received;
}

test('a batch sent with a partition key is received with its body, properties and metadata', async () => {
  const producer = new EventHubProducerClient(connection, hub);
  const consumer = new EventHubConsumerClient('$Default', connection, hub);
  try {
    const batch = await producer.createBatch({ partitionKey: 'device-7' });
    expect(batch.tryAdd({ body: { temperature: 21.5 }, properties: { unit: 'C' } })).toBe(true);
    expect(batch.tryAdd({ body: 'plain text' })).toBe(true);
    expect(batch.tryAdd({ body: Buffer.from([1, 2, 3]) })).toBe(true);
    await producer.sendBatch(batch);
    const properties = await producer.getEventHubProperties();
    expect(properties.partitionIds).toEqual(['0', '1', '2', '3']);
    const partitions = await Promise.all(
      properties.partitionIds.map((id) => producer.getPartitionProperties(id)),
    );
    const written = partitions.filter((partition) => !partition.isEmpty);
    expect(written).toHaveLength(1);
    expect(written[0]!.lastEnqueuedSequenceNumber).toBe(2);
    const events = await receive(consumer, written[0]!.partitionId, 3);
    expect(events.map((event) => event.body as unknown)).toEqual([
      { temperature: 21.5 },
      'plain text',
      Buffer.from([1, 2, 3]),
    ]);
    expect(events[0]!.properties).toEqual({ unit: 'C' });
    expect(events.map((event) => event.sequenceNumber)).toEqual([0, 1, 2]);
    expect(events.map((event) => event.partitionKey)).toEqual(['device-7', 'device-7', 'device-7']);
    expect(events[2]!.offset).toBe(String(written[0]!.lastEnqueuedOffset));
    expect(events[0]!.enqueuedTimeUtc).toBeInstanceOf(Date);
  } finally {
    await producer.close();
    await consumer.close();
  }
});

test('a wrong key is refused with the service error', async () => {
  const producer = new EventHubProducerClient(connection.replace('SAS_KEY_VALUE', 'wrong'), hub, {
    retryOptions: { maxRetries: 0 },
  });
  try {
    await expect(producer.getEventHubProperties()).rejects.toMatchObject({
      code: 'UnauthorizedError',
      message: expect.stringContaining('InvalidSignature: The token has an invalid signature.'),
    });
  } finally {
    await producer.close();
  }
});

test('an unknown hub is not found', async () => {
  const producer = new EventHubProducerClient(connection, 'nosuchhub', { retryOptions: { maxRetries: 0 } });
  try {
    await expect(producer.sendBatch([{ body: 1 }])).rejects.toMatchObject({
      code: 'MessagingEntityNotFoundError',
      message: `The messaging entity 'nosuchhub' could not be found: this endpoint has the event hubs '${hub}', '${readHub}'. Declare it.`,
    });
  } finally {
    await producer.close();
  }
});

describe('producing', () => {
  test('a batch is limited to the link size of 1 MiB, and a larger batch is refused by the SDK', async () => {
    const producer = new EventHubProducerClient(connection, hub);
    try {
      const batch = await producer.createBatch();
      expect(batch.maxSizeInBytes).toBe(1024 * 1024);
      let added = 0;
      while (batch.tryAdd({ body: 'x'.repeat(1000) })) added++;
      expect(added).toBeGreaterThan(900);
      expect(added).toBeLessThan(1050);
      await expect(producer.createBatch({ maxSizeInBytes: 2 * 1024 * 1024 })).rejects.toThrow(
        /Max message size \(2097152 bytes\) is greater than maximum message size \(1048576 bytes\) on the AMQP sender link/,
      );
      await expect(producer.sendBatch([{ body: 'x'.repeat(1_100_000) }])).rejects.toMatchObject({
        code: 'MessageTooLargeError',
      });
    } finally {
      await producer.close();
    }
  });

  test('events sent to a partition id land there; one key always maps to one partition', async () => {
    const producer = new EventHubProducerClient(connection, hub);
    try {
      const before = await producer.getPartitionProperties('3');
      await producer.sendBatch([{ body: 'to three' }, { body: 'also three' }], { partitionId: '3' });
      const after = await producer.getPartitionProperties('3');
      expect(after.lastEnqueuedSequenceNumber - before.lastEnqueuedSequenceNumber).toBe(2);

      const counts = async () =>
        Promise.all(
          ['0', '1', '2', '3'].map(
            async (id) => (await producer.getPartitionProperties(id)).lastEnqueuedSequenceNumber,
          ),
        );
      const start = await counts();
      for (let round = 0; round < 3; round++)
        await producer.sendBatch([{ body: round }], { partitionKey: 'same-key' });
      const end = await counts();
      const moved = end.map((value, index) => value - start[index]!);
      expect(moved.filter((delta) => delta > 0)).toEqual([3]);
      await expect(producer.sendBatch([{ body: 1 }], { partitionId: '9' })).rejects.toMatchObject({
        code: 'ArgumentOutOfRangeError',
      });
    } finally {
      await producer.close();
    }
  });
});

describe('consuming', () => {
  const partitionId = '1';
  let stored: ReceivedEventData[];

  beforeAll(async () => {
    const producer = new EventHubProducerClient(connection, readHub);
    try {
      // One event per send, a few milliseconds apart: each has its own enqueued time.
      for (let n = 0; n < 10; n++) {
        await producer.sendBatch([{ body: n }], { partitionId });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await producer.close();
    }
    const consumer = new EventHubConsumerClient('$Default', connection, readHub);
    try {
      stored = await receive(consumer, partitionId, 10);
    } finally {
      await consumer.close();
    }
  });

  async function bodiesFrom(startPosition: EventPosition, count: number): Promise<unknown[]> {
    const consumer = new EventHubConsumerClient('$Default', connection, readHub);
    try {
      return (await receive(consumer, partitionId, count, startPosition))
        .slice(0, count)
        .map((event) => event.body as unknown);
    } finally {
      await consumer.close();
    }
  }

  test('the earliest position reads the partition from its first event', () => {
    expect(stored.map((event) => event.body as unknown)).toEqual([...Array(10).keys()]);
    expect(stored.map((event) => event.sequenceNumber)).toEqual([...Array(10).keys()]);
    const offsets = stored.map((event) => Number(event.offset));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(10);
  });

  test('an offset or sequence number starts after it, or at it when inclusive', async () => {
    expect(await bodiesFrom({ offset: stored[3]!.offset }, 2)).toEqual([4, 5]);
    expect(await bodiesFrom({ offset: stored[3]!.offset, isInclusive: true }, 2)).toEqual([3, 4]);
    expect(await bodiesFrom({ sequenceNumber: 5 }, 2)).toEqual([6, 7]);
    expect(await bodiesFrom({ sequenceNumber: 5, isInclusive: true }, 2)).toEqual([5, 6]);
  });

  test('an enqueued time starts at the first event enqueued after it', async () => {
    const time = stored[6]!.enqueuedTimeUtc;
    const expected = stored
      .filter((event) => event.enqueuedTimeUtc > time)
      .map((event) => event.body as unknown);
    expect(expected.length).toBeGreaterThan(0);
    expect(await bodiesFrom({ enqueuedOn: time }, expected.length)).toEqual(expected);
  });

  test('the latest position reads only events sent after the receiver opened', async () => {
    const consumer = new EventHubConsumerClient('$Default', connection, readHub);
    const producer = new EventHubProducerClient(connection, readHub);
    try {
      const received: unknown[] = [];
      let opened!: () => void;
      const ready = new Promise<void>((resolve) => (opened = resolve));
      const subscription = consumer.subscribe(
        partitionId,
        {
          processInitialize: () => {
            opened();
            return Promise.resolve();
          },
          processEvents: (events) => {
            received.push(...events.map((event) => event.body as unknown));
            return Promise.resolve();
          },
          processError: () => Promise.resolve(),
        },
        { startPosition: latestEventPosition, maxWaitTimeInSeconds: 1 },
      );
      await ready;
      await new Promise((resolve) => setTimeout(resolve, 500));
      await producer.sendBatch([{ body: 'new' }], { partitionId });
      const deadline = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await subscription.close();
      expect(received).toEqual(['new']);
    } finally {
      await producer.close();
      await consumer.close();
    }
  });

  test('a receiver with a higher owner level takes the partition; a lower one is refused', async () => {
    const errors: { first: unknown[]; third: unknown[] } = { first: [], third: [] };
    const clients = [0, 1, 2].map(() => new EventHubConsumerClient('$Default', connection, readHub));
    const subscribe = (client: EventHubConsumerClient, ownerLevel: number, sink: unknown[]) =>
      client.subscribe(
        '0',
        {
          processEvents: () => Promise.resolve(),
          processError: (error) => {
            sink.push(error);
            return Promise.resolve();
          },
        },
        { ownerLevel, startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 },
      );
    try {
      subscribe(clients[0]!, 1, errors.first);
      await new Promise((resolve) => setTimeout(resolve, 700));
      subscribe(clients[1]!, 2, []);
      await waitUntil(() => errors.first.length > 0);
      expect(errors.first[0]).toMatchObject({
        code: 'ReceiverDisconnectedError',
        message: expect.stringContaining("with higher epoch of '2' is created") as unknown,
      });
      subscribe(clients[2]!, 1, errors.third);
      await waitUntil(() => errors.third.length > 0);
      expect(errors.third[0]).toMatchObject({
        code: 'ReceiverDisconnectedError',
        message: expect.stringContaining("with the higher epoch '2' owns the partition") as unknown,
      });
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  test('consumers with a blob checkpoint store share the partitions and resume after their checkpoints', async () => {
    const container = testStorage().blobs.getContainerClient(uniqueName('checkpoints'));
    await container.create();
    const store = new BlobCheckpointStore(container);
    const options = {
      loadBalancingOptions: { updateIntervalInMs: 300, partitionOwnershipExpirationIntervalInMs: 3000 },
    };
    const group = 'shared';
    const seen = new Map<string, unknown[]>();
    const handler = (name: string) => ({
      processEvents: async (
        events: ReceivedEventData[],
        context: { updateCheckpoint(event: ReceivedEventData): Promise<void> },
      ) => {
        if (events.length === 0) return;
        seen.set(name, [...(seen.get(name) ?? []), ...events.map((event) => event.body as unknown)]);
        await context.updateCheckpoint(events[events.length - 1]!);
      },
      processError: () => Promise.resolve(),
    });
    const first = new EventHubConsumerClient(group, connection, readHub, store, options);
    const second = new EventHubConsumerClient(group, connection, readHub, store, options);
    const subscriptions = [
      first.subscribe(handler('first'), { maxWaitTimeInSeconds: 1, startPosition: earliestEventPosition }),
      second.subscribe(handler('second'), { maxWaitTimeInSeconds: 1, startPosition: earliestEventPosition }),
    ];
    try {
      // Both own two of the four partitions once balanced.
      await waitUntil(async () => {
        const owners = (await store.listOwnership(endpointNamespace(), readHub, group)).map((o) => o.ownerId);

        const counts = [...new Set(owners)].map((owner) => owners.filter((o) => o === owner).length);
        return counts.length === 2 && counts.every((count) => count === 2);
      }, 20_000);
      const total = () => [...seen.values()].flat().length;
      await waitUntil(() => total() >= 11);
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
      const before = total();
      const producer = new EventHubProducerClient(connection, readHub);
      await producer.sendBatch([{ body: 'after-restart' }], { partitionId });
      await producer.close();
      const restarted = new EventHubConsumerClient(group, connection, readHub, store, options);
      const again = restarted.subscribe(handler('restarted'), {
        maxWaitTimeInSeconds: 1,
        startPosition: earliestEventPosition,
      });
      await waitUntil(() => (seen.get('restarted') ?? []).length >= 1, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await again.close();
      await restarted.close();
      expect(before).toBe(11);
      expect(seen.get('restarted')).toEqual(['after-restart']);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

/** The namespace the SDK names in checkpoint paths: the endpoint's host, without the port. */
function endpointNamespace(): string {
  return '127.0.0.1';
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
