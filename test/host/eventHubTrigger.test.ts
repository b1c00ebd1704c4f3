import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName, hostSecrets, type HostSecrets } from '../support/testStorage';

const appDir = 'test/fixtures/apps/eventhub-app';
const hubs = {
  batch: uniqueName('batch'),
  fail: uniqueName('fail'),
  forward: uniqueName('forward'),
  single: uniqueName('single'),
  // No function reads this one: producing does not need a consumer.
  unread: uniqueName('unread'),
};
const settings = {
  BATCH_HUB: hubs.batch,
  FAIL_HUB: hubs.fail,
  FORWARD_HUB: hubs.forward,
  SINGLE_HUB: hubs.single,
  [`EventHubs__${hubs.fail}__PartitionCount`]: '2',
};
const hostId = uniqueName('eventhubs');
let host: TestHost;
let masterKey: string;

async function readHostSecrets(): Promise<HostSecrets> {
  return hostSecrets(hostId);
}

interface SentEvent {
  partitionId: string;
  sequenceNumber: number;
  offset: number;
  enqueuedTimeUtc: string;
  partitionKey?: string;
}

beforeAll(async () => {
  host = await TestHost.start(appDir, { settings, hostId });
  masterKey = (await readHostSecrets()).masterKey.value;
});

afterAll(async () => {
  await host?.stop();
});

function post(hub: string, body: unknown, query = '', key: string | null = masterKey) {
  return host.fetch(`/runtime/eventhubs/${hub}/events${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-functions-key': key } : {}) },
    body: JSON.stringify(body),
  });
}

async function send(hub: string, events: unknown[], query = ''): Promise<SentEvent[]> {
  const response = await post(hub, events, query);
  expect(response.status).toBe(201);
  return ((await response.json()) as { events: SentEvent[] }).events;
}

/** A body as the fixture's functions see it (JSON bodies parsed; plain text stays a string). */
interface Message {
  test?: string;
  n?: number;
  slow?: boolean;
  forwarded?: Message;
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
    systemPropertiesArray: Record<string, unknown>[];
  };
}

interface SingleLine {
  message: Message;
  metadata: Record<string, unknown>;
}

/** The JSON payloads the fixture logged after `tag` (e.g. BATCH), in log order. */
function logged<T>(from: TestHost, tag: string): T[] {
  return from
    .output()
    .split('\n')
    .map((line) => new RegExp(`\\] ${tag} (.*)$`).exec(line)?.[1])
    .filter((json): json is string => json !== undefined)
    .map((json) => JSON.parse(json) as T);
}

async function pollUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Condition not met within ${timeoutMs} ms. Output:\n${host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function checkpointOf(hub: string, partitionId: string) {
  const blob = testStorage()
    .blobs.getContainerClient('azure-webjobs-eventhub')
    .getBlockBlobClient(`localhost/${hub}/$default/checkpoint/${partitionId}`);
  const exists = await blob.exists();
  return exists ? (await blob.getProperties()).metadata : undefined;
}

async function checkpointReaches(hub: string, partitionId: string, sequenceNumber: number) {
  return pollUntil(async () => {
    const metadata = await checkpointOf(hub, partitionId);
    return Number(metadata?.sequencenumber) === sequenceNumber ? metadata : undefined;
  });
}

describe('Event Hub producer endpoint', () => {
  it('needs a function-level key: 401 without one, 201 with the host key', async () => {
    expect((await post(hubs.unread, { body: 'x' }, '', null)).status).toBe(401);
    const hostKey = (await readHostSecrets()).functionKeys[0]!.value;
    const response = await post(hubs.unread, { body: { test: 'auth' } }, '', hostKey);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      hub: hubs.unread,
      events: [{ sequenceNumber: 0, offset: 0 }],
    });
  });

  it('refuses malformed events and partitions the hub does not have', async () => {
    expect((await post(hubs.unread, [{ bdy: 'typo' }])).status).toBe(400);
    const response = await post(hubs.fail, [{ body: 'x' }], '?partitionId=2');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('partitions 0-1');
  });

  it('gives concurrent producers dense, distinct sequence numbers in one partition', async () => {
    const hub = uniqueName('busy');
    const requests = Array.from({ length: 10 }, (_, request) =>
      send(
        hub,
        Array.from({ length: 5 }, (_, n) => ({ body: `${request}-${n}` })),
        '?partitionId=0',
      ),
    );
    const responses = await Promise.all(requests);
    const numbers = responses.flat().map((event) => event.sequenceNumber);
    expect([...numbers].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    for (const events of responses) {
      expect(events.map((event) => event.sequenceNumber - events[0]!.sequenceNumber)).toEqual([
        0, 1, 2, 3, 4,
      ]);
    }
  });
});

describe('Event Hub trigger', () => {
  let ordered: SentEvent[];

  it('refuses to start without the connection setting, naming it', async () => {
    const { code, output } = await TestHost.startExpectingFailure(appDir, {
      settings: { ...settings, EventHubConnection: '' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      `Function 'batchConsumer' (eventHubTrigger) uses the connection "EventHubConnection"`,
    );
  });

  it('delivers a partition in order, in batches of at most maxEventBatchSize, with the metadata arrays', async () => {
    const events = Array.from({ length: 12 }, (_, n) => ({ body: { test: 'order', n }, properties: { n } }));
    ordered = await send(hubs.batch, events, '?partitionKey=device-1');
    ordered.push(...(await send(hubs.batch, [{ body: { test: 'order', n: 12 }, partitionKey: 'device-1' }])));
    const partitionId = ordered[0]!.partitionId;
    expect(new Set(ordered.map((event) => event.partitionId))).toEqual(new Set([partitionId]));

    const batches = await pollUntil(() => {
      const found = logged<BatchLine>(host, 'BATCH').filter((batch) =>
        batch.messages.some((m) => m.test === 'order'),
      );
      return found.flatMap((batch) => batch.messages).length >= 13 ? found : undefined;
    });
    expect(batches.flatMap((batch) => batch.messages.map((m) => m.n))).toEqual([...Array(13).keys()]);
    expect(Math.max(...batches.map((batch) => batch.messages.length))).toBeLessThanOrEqual(5);
    const metadata = batches.map((batch) => batch.metadata);
    expect(metadata[0]!.partitionContext).toEqual({
      fullyQualifiedNamespace: 'localhost',
      eventHubName: hubs.batch,
      consumerGroup: '$Default',
      partitionId,
    });
    expect(metadata.flatMap((m) => m.sequenceNumberArray)).toEqual(
      ordered.map((event) => event.sequenceNumber),
    );
    expect(metadata.flatMap((m) => m.offsetArray)).toEqual(ordered.map((event) => event.offset));
    expect(metadata.flatMap((m) => m.partitionKeyArray)).toEqual(Array(13).fill('device-1'));
    expect(metadata.flatMap((m) => m.propertiesArray).slice(0, 12)).toEqual(events.map((e) => e.properties));
    const times: string[] = metadata.flatMap((m) => m.enqueuedTimeUtcArray);
    expect(times.every((time) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(time))).toBe(true);
    expect(metadata[0]!.systemPropertiesArray[0]).toMatchObject({
      'x-opt-sequence-number': ordered[0]!.sequenceNumber,
      'x-opt-partition-key': 'device-1',
      sequenceNumber: ordered[0]!.sequenceNumber,
      partitionKey: 'device-1',
    });
  });

  it('checkpoints each partition in the blob layout of the Event Hubs checkpoint store', async () => {
    const last = ordered[ordered.length - 1]!;
    const metadata = await checkpointReaches(hubs.batch, last.partitionId, last.sequenceNumber);
    expect(Number(metadata.offset)).toBe(last.offset);
  });

  it('leaves events without a partition key out of partitionKeyArray, as the Functions host does for Node', async () => {
    const events = Array.from({ length: 3 }, (_, n) => ({ body: { test: 'nokey', n } }));
    const sent = await send(hubs.batch, events, '?partitionId=1');
    const batches = await pollUntil(() => {
      const found = logged<BatchLine>(host, 'BATCH').filter((batch) =>
        batch.messages.some((m) => m.test === 'nokey'),
      );
      return found.flatMap((batch) => batch.messages).length >= 3 ? found : undefined;
    });
    expect(batches.flatMap((batch) => batch.metadata.sequenceNumberArray)).toEqual(
      sent.map((event) => event.sequenceNumber),
    );
    expect(batches.flatMap((batch) => batch.metadata.partitionKeyArray)).toEqual([]);
    expect(
      batches.flatMap((batch) => batch.metadata.systemPropertiesArray.map((p) => p.partitionKey)),
    ).toEqual([null, null, null]);
  });

  it('routes a partition key to the same partition every time; a keyless batch stays together', async () => {
    const first = await send(hubs.batch, [{ body: { test: 'route' }, partitionKey: 'sensor-42' }]);
    const second = await send(hubs.batch, [{ body: { test: 'route' } }], '?partitionKey=sensor-42');
    expect(second[0]!.partitionId).toBe(first[0]!.partitionId);
    const keys = Array.from({ length: 16 }, (_, index) => `key-${index}`);
    const spread = await send(
      hubs.batch,
      keys.map((key) => ({ body: { test: 'route' }, partitionKey: key })),
    );
    const again = await send(
      hubs.batch,
      keys.map((key) => ({ body: { test: 'route' }, partitionKey: key })),
    );
    expect(again.map((event) => event.partitionId)).toEqual(spread.map((event) => event.partitionId));
    expect(new Set(spread.map((event) => event.partitionId)).size).toBeGreaterThan(1);
    const keyless = await send(hubs.batch, [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    expect(new Set(keyless.map((event) => event.partitionId)).size).toBe(1);
    expect(keyless.map((event) => event.sequenceNumber - keyless[0]!.sequenceNumber)).toEqual([0, 1, 2]);
  });

  it('advances the checkpoint past a batch whose function throws', async () => {
    const sent = await send(hubs.fail, [{ body: 'f1' }, { body: 'f2' }, { body: 'f3' }], '?partitionId=1');
    await host.waitForLog(
      /Executed 'Functions\.alwaysFails' \(Failed[\s\S]*deliberate failure in alwaysFails/,
    );
    await checkpointReaches(hubs.fail, '1', sent[2]!.sequenceNumber);
    expect(logged<string[]>(host, 'FAILING').flat()).toEqual(['f1', 'f2', 'f3']);
  });

  it('cardinality one (the default) passes each event alone with scalar metadata', async () => {
    const sent = await send(hubs.single, [
      { body: { test: 'one', n: 1 }, properties: { source: 'test' }, partitionKey: 'k1' },
      { body: { test: 'one', n: 2 }, partitionKey: 'k1' },
    ]);
    const singles = await pollUntil(() => {
      const found = logged<SingleLine>(host, 'SINGLE').filter((entry) => entry.message.test === 'one');
      return found.length >= 2 ? found : undefined;
    });
    expect(singles.map((entry) => entry.message.n)).toEqual([1, 2]);
    expect(singles[0]!.metadata).toMatchObject({
      sequenceNumber: sent[0]!.sequenceNumber,
      offset: sent[0]!.offset,
      partitionKey: 'k1',
      properties: { source: 'test' },
      partitionContext: { eventHubName: hubs.single, partitionId: sent[0]!.partitionId },
      systemProperties: { sequenceNumber: sent[0]!.sequenceNumber },
    });
    expect(singles[0]!.metadata.enqueuedTimeUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
  });

  it('an eventHub output writes each element of a returned array as its own event', async () => {
    await send(hubs.forward, [{ body: { test: 'fwd', n: 1 } }, { body: { test: 'fwd', n: 2 } }]);
    const forwarded = await pollUntil(() => {
      const found = logged<SingleLine>(host, 'SINGLE').filter(
        (entry) => entry.message.forwarded?.test === 'fwd',
      );
      return found.length >= 2 ? found : undefined;
    });
    expect(forwarded.map((entry) => entry.message.forwarded?.n)).toEqual([1, 2]);
  });

  it('after a restart delivers only new events; after a crash mid-invocation redelivers the event', async () => {
    expect(await host.stop()).toBe(0);
    host = await TestHost.start(appDir, { settings, hostId });
    await send(hubs.batch, [{ body: { test: 'restart' } }]);
    await pollUntil(() =>
      logged<BatchLine>(host, 'BATCH').some((b) => b.messages[0]?.test === 'restart') ? true : undefined,
    );
    const redelivered = logged<BatchLine>(host, 'BATCH').filter((b) =>
      b.messages.some((m) => m.test !== 'restart'),
    );
    expect(redelivered).toEqual([]);
    expect(logged<string[]>(host, 'FAILING')).toEqual([]);
    expect(logged<SingleLine>(host, 'SINGLE')).toEqual([]);

    await send(hubs.single, [{ body: { slow: true } }]);
    await host.waitForLog(/\] SINGLE \{"message":\{"slow":true\}/);
    await host.kill();
    host = await TestHost.start(appDir, { settings, hostId });
    await host.waitForLog(/\] SINGLE-DONE \{"slow":true\}/, 15_000);
  });
});
