import { EventHubProducerClient, type EventData } from '@azure/event-hubs';
import { diabetesReference } from '../support/scoringHarness';
import { startStreamHost } from '../support/streamHost';
import type { TestHost } from '../support/TestHost';
import { until } from '../support/windowStreamProbes';
import { uniqueName } from '../support/testStorage';

// GET /api/streams/{name} through the host: per partition, the lag against the hub's last enqueued
// sequence number (read through the stream's own connection), events per second and errors. Events
// are produced with the unmodified EventHubProducerClient; one stream's trigger is disabled, so all
// that is sent to it stays lag.
const { table } = diabetesReference();
const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const hostId = uniqueName('status');
const hubs = { vitals: uniqueName('vitals'), paused: uniqueName('paused') };
let host: TestHost;
let key: string;
let connection: string;

const stream = (name: string, hub: string) => ({
  name,
  source: { hub },
  schema: Object.fromEntries([['patientId', 'string'], ...features.map((f) => [f, 'number'])]),
  key: 'patientId',
  features,
  model: 'diabetes',
  outputs: { folder: name },
});

const patient = (index: number) => {
  const row = table.rows[index]!;
  return {
    patientId: `p${index}`,
    ...Object.fromEntries(features.map((f) => [f, Number(row[table.header.indexOf(f)])])),
  };
};

async function produce(hub: string, partitionKey: string, events: EventData[]): Promise<void> {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    const batch = await producer.createBatch({ partitionKey });
    for (const event of events) expect(batch.tryAdd(event)).toBe(true);
    await producer.sendBatch(batch);
  } finally {
    await producer.close();
  }
}

interface PartitionView {
  partitionId: string;
  eventsIn: number;
  lastSequenceNumber: number;
  lastEnqueuedSequenceNumber: number | null;
  lag: number | null;
  eventsPerSecond: { lastMinute: number; sinceFirstBatch: number | null };
  errors: { badEvents: number; lastError: { message: string; at: string } | null };
}
interface StreamView {
  eventsIn: number;
  lag: number | null;
  errors: { badEvents: number; failedWindows: number; lastError: Record<string, unknown> | null };
  partitions: PartitionView[];
}

async function view(name: string): Promise<StreamView> {
  const response = await host.fetch(`/api/streams/${name}`, { headers: { 'x-functions-key': key } });
  expect(response.status).toBe(200);
  return (await response.json()) as StreamView;
}

beforeAll(async () => {
  ({ host, connection, key } = await startStreamHost({
    hostId,
    name: 'Status',
    streams: Object.fromEntries(Object.entries(hubs).map(([name, hub]) => [name, stream(name, hub)])),
    settings: {
      SCORING_OUTPUT_CONTAINER: uniqueName('statusout'),
      'AzureWebJobs.stream-paused.Disabled': 'true',
      // A disabled trigger names no hub to the host's endpoint: name it here.
      DurableScoring__EventHubs__Hubs: hubs.paused,
    },
  }));
});

afterAll(async () => {
  await host?.stop();
});

test('a stream that keeps up: no lag, its events per second, its bad events and the last one', async () => {
  const started = Date.now();
  await produce(
    hubs.vitals,
    'a',
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ body: patient(i) })),
  );
  await produce(hubs.vitals, 'b', [
    { body: patient(10) },
    { body: { ...patient(11), age: 'old' } },
    { body: patient(12) },
  ]);
  const body = await until(
    'all 13 events',
    async () => {
      const current = await view('vitals');
      return current.eventsIn === 13 ? current : undefined;
    },
    () => host.output(),
  );
  const read = body.partitions.filter((p) => p.eventsIn > 0);
  expect(read.map((p) => p.eventsIn).sort((a, b) => a - b)).toEqual([3, 10]);
  expect(body.lag).toBe(0);
  for (const partition of body.partitions) {
    // The hub's last sequence number is the last one the stream processed (-1: never written).
    expect(partition.lag).toBe(0);
    expect(partition.lastEnqueuedSequenceNumber).toBe(partition.lastSequenceNumber);
    expect(partition.eventsPerSecond.lastMinute).toBe(Math.round((partition.eventsIn / 60) * 100) / 100);
  }
  for (const partition of read) expect(partition.eventsPerSecond.sinceFirstBatch).toBeGreaterThan(0);
  const withBad = read.find((p) => p.eventsIn === 3)!;
  expect(withBad.errors.badEvents).toBe(1);
  expect(withBad.errors.lastError?.message).toBe(
    `event ${withBad.lastSequenceNumber - 1}: field "age" must be a number, not a string "old"`,
  );
  const at = Date.parse(withBad.errors.lastError!.at);
  expect(at).toBeGreaterThanOrEqual(started - 1000);
  expect(at).toBeLessThanOrEqual(Date.now());
  expect(body.errors).toMatchObject({
    badEvents: 1,
    failedWindows: 0,
    lastError: { partitionId: withBad.partitionId, message: withBad.errors.lastError!.message },
  });
});

test('a stream whose trigger does not run: everything sent is lag, per partition', async () => {
  await produce(
    hubs.paused,
    'x',
    [0, 1, 2, 3, 4, 5, 6].map((i) => ({ body: patient(i) })),
  );
  await produce(
    hubs.paused,
    'y',
    [7, 8].map((i) => ({ body: patient(i) })),
  );
  const body = await view('paused');
  expect(body).toMatchObject({ eventsIn: 0, lag: 9 });
  const lagging = body.partitions.filter((p) => (p.lag ?? 0) > 0);
  expect(lagging.map((p) => [p.lag, p.lastEnqueuedSequenceNumber]).sort()).toEqual([
    [2, 1],
    [7, 6],
  ]);
  expect(lagging.every((p) => p.eventsIn === 0 && p.eventsPerSecond.sinceFirstBatch === null)).toBe(true);
});
