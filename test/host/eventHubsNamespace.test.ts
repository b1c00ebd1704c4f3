import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  type ReceivedEventData,
} from '@azure/event-hubs';
import { findFreeAzuritePorts, startAzurite, type RunningAzurite } from '../../src/host/azurite/startAzurite';
import { HubDirectory } from '../../src/host/eventHubs/HubDirectory';
import { EventHubsEndpoint } from '../../src/host/eventHubs/amqp/EventHubsEndpoint';
import { emulatorKey } from '../../src/host/eventHubs/amqp/sasToken';
import { azuriteConnectionString, StorageConnection } from '../../src/host/storage/StorageConnection';
import { EventHubLog } from '../../src/host/eventHubs/EventHubLog';
import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName } from '../support/testStorage';

// The fixture app with its Event Hubs connection pointing at another Event Hubs endpoint than the host's
// own: "a real namespace", here the host's AMQP endpoint run in this process over an Azurite of its own,
// so nothing the host does to its own storage can stand in for the namespace. The host must consume and
// produce through the unmodified Event Hubs SDK, with the blob checkpoint store in its own storage.
const appDir = 'test/fixtures/apps/eventhub-app';
const hostId = uniqueName('ehnamespace');
const hubs = {
  batch: uniqueName('nsbatch'),
  fail: uniqueName('nsfail'),
  forward: uniqueName('nsforward'),
  single: uniqueName('nssingle'),
};
let namespaceAzurite: RunningAzurite;
let endpoint: EventHubsEndpoint;
let connection: string;
let settings: Record<string, string>;
let host: TestHost;

interface Message {
  test?: string;
  key?: string;
  n?: number;
}

interface BatchLine {
  messages: Message[];
  metadata: {
    partitionContext: Record<string, string>;
    sequenceNumberArray: number[];
    offsetArray: number[];
    partitionKeyArray: string[];
    enqueuedTimeUtcArray: string[];
    propertiesArray: Record<string, unknown>[];
  };
}

/** The batches the fixture's batch function logged whose events carry the test tag. */
function batchesOf(from: TestHost, test: string): BatchLine[] {
  return from
    .output()
    .split('\n')
    .map((line) => /\] BATCH (.*)$/.exec(line)?.[1])
    .filter((json): json is string => json !== undefined)
    .map((json) => JSON.parse(json) as BatchLine)
    .filter((batch) => batch.messages.some((message) => message.test === test));
}

async function pollUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Output:\n${host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function produce(
  hub: string,
  partitionKey: string,
  bodies: Message[],
  properties?: (n: number) => object,
) {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    const batch = await producer.createBatch({ partitionKey });
    bodies.forEach((body, index) =>
      expect(batch.tryAdd({ body, properties: properties?.(index) })).toBe(true),
    );
    await producer.sendBatch(batch);
  } finally {
    await producer.close();
  }
}

/**
 * Every event of a hub, read from the namespace by a plain consumer, by `partition/sequence number`. It
 * reads as a consumer group of its own: the host's partition owners hold `$Default` exclusively.
 */
async function readAll(
  hub: string,
  count: number,
  wanted: (event: ReceivedEventData) => boolean = () => true,
): Promise<Map<string, ReceivedEventData>> {
  const consumer = new EventHubConsumerClient('test-reader', connection, hub);
  let lastError: Error | undefined;
  const events = new Map<string, ReceivedEventData>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Read ${events.size} of ${count} events of ${hub}: ${lastError?.message}`)),
        15_000,
      );
      const subscription = consumer.subscribe(
        {
          processEvents: async (received, context) => {
            for (const event of received.filter(wanted))
              events.set(`${context.partitionId}/${event.sequenceNumber}`, event);
            if (events.size >= count) {
              clearTimeout(timer);
              await subscription.close();
              resolve();
            }
          },
          processError: (error) => {
            lastError = error;
            return Promise.resolve();
          },
        },
        { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 },
      );
    });
  } finally {
    await consumer.close();
  }
  return events;
}

/** The host's checkpoint and ownership blobs for a hub, as the blob checkpoint store names them. */
async function checkpointBlobs(hub: string): Promise<Map<string, Record<string, string>>> {
  const container = testStorage().blobs.getContainerClient('azure-webjobs-eventhub');
  const blobs = new Map<string, Record<string, string>>();
  for await (const blob of container.listBlobsFlat({ prefix: `127.0.0.1/${hub}/`, includeMetadata: true })) {
    blobs.set(blob.name.slice(`127.0.0.1/${hub}/$default/`.length), blob.metadata ?? {});
  }
  return blobs;
}

beforeAll(async () => {
  const ports = await findFreeAzuritePorts();
  namespaceAzurite = await startAzurite({ ports });
  const namespaceStorage = new StorageConnection(azuriteConnectionString(ports));
  endpoint = await EventHubsEndpoint.start({
    port: 0,
    keys: [emulatorKey],
    hubs: new HubDirectory({
      hubs: Object.values(hubs),
      openLog: (hub) => EventHubLog.open(namespaceStorage, hub, 4),
      howToAddHub: 'Declare it in the test.',
    }),
    log: { info: () => undefined, warn: (line) => console.warn(line) },
  });
  connection = endpoint.connectionString();
  settings = {
    EventHubConnection: connection,
    BATCH_HUB: hubs.batch,
    FAIL_HUB: hubs.fail,
    FORWARD_HUB: hubs.forward,
    SINGLE_HUB: hubs.single,
    // A killed host's partition claims lapse in 3 s instead of 60 s, so its restart claims them soon.
    AzureFunctionsJobHost__extensions__eventHubs__partitionOwnershipExpirationInterval: '00:00:03',
    AzureFunctionsJobHost__extensions__eventHubs__loadBalancingUpdateInterval: '00:00:01',
  };
  host = await TestHost.start(appDir, { settings, hostId });
});

afterAll(async () => {
  await host?.stop();
  await endpoint?.stop();
  await namespaceAzurite?.stop();
});

test('triggers whose connection names another Event Hubs endpoint run through the SDK', () => {
  expect(host.output()).toContain(
    `batchConsumer: eventHubTrigger: ${hubs.batch} on 127.0.0.1:${endpoint.port} through the Event Hubs SDK (consumer group $Default, cardinality many)`,
  );
  // No binding uses the host's own log, so the host serves no hubs itself.
  expect(host.output()).not.toContain('Event Hubs (AMQP) on');
});

test('an identity connection to a namespace stops the host, saying what to set instead', async () => {
  const { code, output } = await TestHost.startExpectingFailure(appDir, {
    settings: {
      ...settings,
      EventHubConnection: '',
      EventHubConnection__fullyQualifiedNamespace: 'myns.servicebus.windows.net',
    },
  });
  expect(code).not.toBe(0);
  expect(output).toContain(
    `"EventHubConnection__fullyQualifiedNamespace" names the namespace myns.servicebus.windows.net, but the embedded host connects to Event Hubs namespaces with connection strings only (identity connections are not supported yet).`,
  );
});

test('events produced with the SDK reach the batch function in order per partition, with their metadata', async () => {
  const keys = ['device-a', 'device-b', 'device-c'];
  for (const key of keys) {
    const bodies = Array.from({ length: 40 }, (_, n) => ({ test: 'order', key, n }));
    await produce(hubs.batch, key, bodies, (n) => ({ n, key }));
  }
  const batches = await pollUntil(() => {
    const found = batchesOf(host, 'order');
    return found.flatMap((batch) => batch.messages).length >= 120 ? found : undefined;
  }, '120 events');
  expect(Math.max(...batches.map((batch) => batch.messages.length))).toBeLessThanOrEqual(5);
  const sent = await readAll(hubs.batch, 120);
  const delivered = batches.flatMap((batch) =>
    batch.messages.map((message, index) => ({
      message,
      context: batch.metadata.partitionContext,
      sequenceNumber: batch.metadata.sequenceNumberArray[index]!,
      offset: batch.metadata.offsetArray[index]!,
      partitionKey: batch.metadata.partitionKeyArray[index],
      properties: batch.metadata.propertiesArray[index],
      enqueuedTimeUtc: batch.metadata.enqueuedTimeUtcArray[index]!,
    })),
  );
  expect(delivered).toHaveLength(120);
  for (const event of delivered) {
    const original = sent.get(`${event.context.partitionId}/${event.sequenceNumber}`)!;
    expect(event.message).toEqual(original.body);
    expect(event.offset).toBe(Number(original.offset));
    expect(event.partitionKey).toBe(original.partitionKey);
    expect(event.properties).toEqual(original.properties);
    // UTC without a zone suffix, as the extension binds a DateTime.
    expect(new Date(`${event.enqueuedTimeUtc}Z`)).toEqual(original.enqueuedTimeUtc);
    expect(event.context).toEqual({
      fullyQualifiedNamespace: '127.0.0.1',
      eventHubName: hubs.batch,
      consumerGroup: '$Default',
      partitionId: event.context.partitionId,
    });
  }
  for (const key of keys) {
    const ofKey = delivered.filter((event) => event.message.key === key);
    expect(ofKey.map((event) => event.message.n)).toEqual([...Array(40).keys()]);
    expect(new Set(ofKey.map((event) => event.context.partitionId)).size).toBe(1);
  }
});

test('the blob checkpoint store checkpoints each batch, also a failed one, in the host storage', async () => {
  // After the previous test, every partition the keys landed on is checkpointed at its last event.
  const last = new Map<string, number>();
  for (const batch of batchesOf(host, 'order')) {
    const partitionId = batch.metadata.partitionContext.partitionId!;
    last.set(partitionId, Math.max(last.get(partitionId) ?? -1, ...batch.metadata.sequenceNumberArray));
  }
  const blobs = await pollUntil(async () => {
    const found = await checkpointBlobs(hubs.batch);
    const done = [...last].every(
      ([id, seq]) => Number(found.get(`checkpoint/${id}`)?.sequencenumber) === seq,
    );
    return done ? found : undefined;
  }, 'checkpoints at the last events');
  // The SDK's layout: checkpoints and partition claims side by side, for all four partitions.
  expect([...blobs.keys()].filter((name) => name.startsWith('ownership/')).sort()).toEqual(
    ['0', '1', '2', '3'].map((id) => `ownership/${id}`),
  );

  await produce(hubs.fail, 'poison', [
    { test: 'fail', n: 0 },
    { test: 'fail', n: 1 },
    { test: 'fail', n: 2 },
  ]);
  await host.waitForLog(/FAILING .*"test":"fail"/);
  const failed = await pollUntil(async () => {
    const found = [...(await checkpointBlobs(hubs.fail))].find(
      ([name, metadata]) => name.startsWith('checkpoint/') && metadata.sequencenumber === '2',
    );
    return found;
  }, 'the failed batch checkpointed');
  expect(failed[0]).toMatch(/^checkpoint\/[0-3]$/);
});

test('a restarted host resumes after the checkpoints', async () => {
  const before = batchesOf(host, 'order').flatMap((batch) => batch.messages).length;
  expect(before).toBe(120);
  await host.stop();
  for (const key of ['device-a', 'device-b', 'device-c']) {
    await produce(
      hubs.batch,
      key,
      Array.from({ length: 10 }, (_, n) => ({ test: 'resume', key, n })),
    );
  }
  host = await TestHost.start(appDir, { settings, hostId });
  const resumed = await pollUntil(() => {
    const found = batchesOf(host, 'resume').flatMap((batch) => batch.messages);
    return found.length >= 30 ? found : undefined;
  }, '30 events after the restart');
  expect(resumed).toHaveLength(30);
  // Stopped between batches, so nothing was in flight: no event comes again.
  expect(batchesOf(host, 'order')).toEqual([]);
});

test('a host killed during a batch runs that batch again after its restart, and nothing before it', async () => {
  const started = (from: TestHost) =>
    from
      .output()
      .split('\n')
      .map((line) => /\] SINGLE (\{.*)$/.exec(line)?.[1])
      .filter((json): json is string => json !== undefined)
      .map((json) => (JSON.parse(json) as { message: Message }).message)
      .filter((message) => message.test === 'crash');
  await produce(hubs.single, 'crash', [{ test: 'crash', n: 0 }]);
  await host.waitForLog(/SINGLE-DONE \{"test":"crash","n":0\}/);
  await pollUntil(
    async () =>
      [...(await checkpointBlobs(hubs.single))].some(([name]) => name.startsWith('checkpoint/'))
        ? true
        : undefined,
    'the first event checkpointed',
  );
  // The fixture's function takes 4 s over a slow event: the host is killed while it runs.
  await produce(hubs.single, 'crash', [
    { test: 'crash', n: 1 },
    { test: 'crash', n: 2, slow: true } as Message,
    { test: 'crash', n: 3 },
  ]);
  await host.waitForLog(/SINGLE \{"message":\{"test":"crash","n":2,"slow":true\}/);
  await host.kill();
  host = await TestHost.start(appDir, { settings, hostId });
  await host.waitForLog(/SINGLE-DONE \{"test":"crash","n":3\}/, 20_000);
  const again = started(host).map((message) => message.n);
  console.log(`Killed during a batch: after the restart n ${again.join(', ')} ran again.`);
  // The batch in flight (n 1-3, or 2-3 if n 1 came alone and was checkpointed) runs again; n 0 does not.
  expect(again.slice(-2)).toEqual([2, 3]);
  expect(again.every((n) => n !== undefined && n >= 1)).toBe(true);
});

test("the forwarder's output goes to the other hub through the SDK", async () => {
  const bodies = Array.from({ length: 6 }, (_, n) => ({ test: 'forward', n }));
  await produce(hubs.forward, 'fwd', bodies);
  const forwarded = await readAll(hubs.single, 6, (event) => 'forwarded' in Object(event.body));
  expect([...forwarded.values()].map((event) => event.body as unknown).sort(byN)).toEqual(
    bodies.map((body) => ({ forwarded: body })),
  );
  // The single-event function reads them from the namespace too.
  await pollUntil(
    () => (host.count(/SINGLE-DONE \{"forwarded":\{"test":"forward"/) >= 6 ? true : undefined),
    'SINGLE-DONE lines',
  );
});

function byN(a: unknown, b: unknown): number {
  const n = (value: unknown) => (value as { forwarded: Message }).forwarded.n ?? 0;
  return n(a) - n(b);
}
