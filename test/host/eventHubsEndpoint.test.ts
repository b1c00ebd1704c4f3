import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  type ReceivedEventData,
} from '@azure/event-hubs';
import { HubDirectory } from '../../src/host/eventHubs/HubDirectory';
import { EventHubsEndpoint } from '../../src/host/eventHubs/amqp/EventHubsEndpoint';
import { emulatorKey } from '../../src/host/eventHubs/amqp/sasToken';
import { EventHubLog } from '../../src/host/triggers/eventHub/EventHubLog';
import { testStorage, uniqueName } from '../support/testStorage';

const hub = uniqueName('amqp');
let endpoint: EventHubsEndpoint;
let connection: string;

beforeAll(async () => {
  const storage = testStorage();
  const hubs = new HubDirectory({
    hubs: [hub],
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
      { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 },
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
      message: `The messaging entity 'nosuchhub' could not be found: this endpoint has the event hubs '${hub}'. Declare it.`,
    });
  } finally {
    await producer.close();
  }
});
