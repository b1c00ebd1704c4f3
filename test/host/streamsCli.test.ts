import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  type ReceivedEventData,
} from '@azure/event-hubs';
import { findFreePort } from '../../src/host/azurite/startAzurite';
import { StorageClients } from '../../src/storage/StorageClients';
import { referencePredictions } from '../support/scoringHarness';
import { TestHost } from '../support/TestHost';
import { uniqueHubName } from '../support/durableTestClient';
import { hostSecrets, uniqueName } from '../support/testStorage';
import { emulatorConnectionString } from '../support/eventHubsEmulator';

// `durable-scoring streams ...` as a user runs it, against the project app on the real host: files
// replayed through the host's AMQP endpoint, read back with the unmodified EventHubConsumerClient.
const cliPath = path.resolve('bin/durable-scoring.js');
const work = mkdtempSync(path.join(os.tmpdir(), 'streams-cli-'));
const streamsDirectory = path.join(work, 'streams');
const hostId = uniqueName('streamscli');
const output = uniqueName('streamout');
const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
const hubs = {
  clinic: uniqueName('clinic'),
  raw: uniqueName('raw'),
  empty: uniqueName('empty'),
  sensors: uniqueName('sensors'),
};
const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const clinic = {
  name: 'clinic',
  source: { hub: hubs.clinic },
  schema: Object.fromEntries([['patientId', 'string'], ...features.map((f) => [f, 'number'])]),
  key: 'patientId',
  features,
  model: 'diabetes@production',
  outputs: { folder: 'clinic' },
};
// The IoT demo's window stream, on a hub of one partition: events arrive in file order, so which window
// each lands in and when each closes do not depend on how partitions interleave.
const sensors = {
  ...(JSON.parse(readFileSync('demo/iot/streams/sensors.json', 'utf8')) as { features: string[] }),
  source: { hub: hubs.sensors },
  outputs: { folder: 'sensors', alert: { above: 0.5 } },
};
let connection: string;
let host: TestHost;
let key: string;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<CliRun> {
  const env = {
    ...process.env,
    AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION,
    AzureFunctionsWebHost__hostid: hostId,
    EventHubConnection: connection,
    SCORING_OUTPUT_CONTAINER: output,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function writeFile(name: string, text: string): string {
  const file = path.join(work, name);
  writeFileSync(file, text);
  return file;
}

type Received = ReceivedEventData & { partitionId: string };

/** Every event of the hub, from the start of each partition, once `count` have arrived. */
async function readHub(hub: string, count: number): Promise<Received[]> {
  const consumer = new EventHubConsumerClient('$Default', connection, hub);
  const received: Received[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${received.length} of ${count} events`)), 20_000);
      consumer.subscribe(
        {
          processEvents: async (events, context) => {
            received.push(...events.map((event) => ({ ...event, partitionId: context.partitionId })));
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
          processError: async () => Promise.resolve(),
        },
        { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 },
      );
    });
  } finally {
    await consumer.close();
  }
  return received;
}

async function isEmpty(hub: string): Promise<boolean> {
  const producer = new EventHubProducerClient(connection, hub);
  try {
    const ids = await producer.getPartitionIds();
    const properties = await Promise.all(ids.map((id) => producer.getPartitionProperties(id)));
    return properties.every((partition) => partition.isEmpty);
  } finally {
    await producer.close();
  }
}

beforeAll(async () => {
  mkdirSync(streamsDirectory);
  writeFileSync(path.join(streamsDirectory, 'clinic.json'), JSON.stringify(clinic));
  writeFileSync(path.join(streamsDirectory, 'sensors.json'), JSON.stringify(sensors));
  const port = await findFreePort();
  connection = emulatorConnectionString(port);
  host = await TestHost.start('.', {
    hostId,
    settings: {
      EventHubConnection: connection,
      DurableScoring__EventHubs__Port: String(port),
      DurableScoring__EventHubs__Hubs: `${hubs.raw},${hubs.empty}`,
      STREAMS_DIRECTORY: streamsDirectory,
      STREAMS_TABLE: uniqueName('streams'),
      STREAM_WINDOWS_TABLE: uniqueName('windows'),
      [`EventHubs__${hubs.sensors}__PartitionCount`]: '1',
      SCORING_OUTPUT_CONTAINER: output,
      AzureFunctionsJobHost__extensions__durableTask__hubName: uniqueHubName('StreamsCli'),
      'AzureWebJobs.retrainOnSchedule.Disabled': 'true',
    },
  });
  key = (await hostSecrets(hostId)).masterKey.value;
});

afterAll(async () => {
  await host?.stop();
});

test('send replays a CSV file: every row arrives once, typed, each key in one partition in file order', async () => {
  const rows = Array.from({ length: 200 }, (_, n) => ({
    deviceId: `d${n % 7}`,
    n,
    temp: 20 + n / 8,
    note: n % 50 === 0 ? 'has, a comma' : 'ok',
  }));
  const csv = ['deviceId,n,temp,note', ...rows.map((r) => `${r.deviceId},${r.n},${r.temp},"${r.note}"`)];
  const file = writeFile('readings.csv', `${csv.join('\r\n')}\r\n`);
  const args = ['send', file, '--hub', hubs.raw, '--connection', connection];
  const run = await cli(['streams', ...args, '--rate', '400', '--partition-key-field', 'deviceId']);
  expect(run).toMatchObject({ code: 0 });
  const summary = new RegExp(
    `^Sent 200 events from ${file} to hub ${hubs.raw} \\(4 partitions, sb://127\\.0\\.0\\.1:\\d+\\) in (\\d+\\.\\d) s: (\\d+) events/s\\.\\n$`,
  );
  expect(run.stdout).toMatch(summary);
  // 400 events/s at most: 200 events take half a second or more.
  expect(Number(summary.exec(run.stdout)![1])).toBeGreaterThanOrEqual(0.4);

  const received = await readHub(hubs.raw, 200);
  expect(received).toHaveLength(200);
  expect(received.map((event) => event.body as unknown).sort((a, b) => byN(a) - byN(b))).toEqual(rows);
  const partitionsOf = new Map<string, Set<string>>();
  for (const event of received) {
    const { deviceId } = event.body as { deviceId: string };
    partitionsOf.set(deviceId, (partitionsOf.get(deviceId) ?? new Set()).add(event.partitionId));
  }
  expect([...partitionsOf.values()].every((partitions) => partitions.size === 1)).toBe(true);
  for (const device of partitionsOf.keys()) {
    const ofDevice = received.filter((event) => (event.body as { deviceId: string }).deviceId === device);
    const inSequence = [...ofDevice].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    expect(inSequence.map((event) => byN(event.body))).toEqual(
      ofDevice.map((e) => byN(e.body)).sort((a, b) => a - b),
    );
  }
});

test('send a JSON Lines file through the app setting; list and show count the events the stream scored', async () => {
  const patients = Array.from({ length: 30 }, (_, n) => ({
    patientId: `p${n}`,
    ...Object.fromEntries(features.map((f, i) => [f, n + i])),
  }));
  const file = writeFile('patients.jsonl', patients.map((p) => JSON.stringify(p)).join('\n'));
  const sent = await cli([
    'streams',
    'send',
    file,
    '--hub',
    hubs.clinic,
    '--connection',
    'EventHubConnection',
  ]);
  expect(sent.stdout).toMatch(
    /^Sent 30 events from .+ \(4 partitions, sb:\/\/127\.0\.0\.1:\d+ from setting EventHubConnection\) in /,
  );

  const url = ['--url', host.baseUrl];
  const deadline = Date.now() + 20_000;
  let show: CliRun;
  do {
    await new Promise((resolve) => setTimeout(resolve, 300));
    show = await cli(['streams', 'show', 'clinic', ...url]);
  } while (!show.stdout.includes('30 in,') && Date.now() < deadline);
  expect(show.stdout).toMatch(/^Stream: {6}clinic \(perEvent\)\n/);
  expect(show.stdout).toContain(
    `Hub:         ${hubs.clinic} (consumer group $Default, connection EventHubConnection)\n`,
  );
  expect(show.stdout).toMatch(/\nModel: {7}diabetes@production → diabetes@1 \(sha256 [0-9a-f]{64}\)\n/);
  expect(show.stdout).toContain('\nEvents:      30 in, 30 scored, 0 bad\n');
  expect(show.stdout).toMatch(
    /\nPARTITION {2}EVENTS {2}SCORED \/ LANDED {2}BAD {2}LAST SEQUENCE {2}LAST BATCH/,
  );

  const list = (await cli(['streams', 'list', ...url])).stdout.split('\n');
  expect(list[0]).toMatch(/^NAME +MODE +HUB +MODEL +EVENTS +SCORED \/ LANDED +BAD +LAST BATCH$/);
  expect(list[1]).toMatch(
    new RegExp(`^clinic +perEvent +${hubs.clinic} +diabetes@production +30 +30 +0 +\\d{4}-`),
  );
  expect(list[2]).toMatch(new RegExp(`^sensors +window +${hubs.sensors} +sensor-anomaly@production +`));
  const missing = await cli(['streams', 'show', 'nosuch', ...url]);
  expect(missing).toMatchObject({ code: 1, stderr: 'No stream named "nosuch". Streams: clinic, sensors.\n' });
});

test('a bad row stops send before anything is sent, naming the file and line', async () => {
  const cases: [string, string, RegExp][] = [
    [
      'short.csv',
      'deviceId,temp\nd1,20\nd2\n',
      /^.+short\.csv line 3: 1 values for the header's 2 columns\.\n$/,
    ],
    ['open.csv', 'deviceId,temp\nd1,"20\n', /^.+open\.csv line 2: a quoted value is not closed\.\n$/],
    ['bad.jsonl', '{"deviceId":"d1"}\n\n{"deviceId": \n', /^.+bad\.jsonl line 3: not JSON \(.+\)\.\n$/],
    ['array.jsonl', '[1, 2]\n', /^.+array\.jsonl line 1: an event must be a JSON object\.\n$/],
    [
      'nokey.jsonl',
      '{"deviceId":"d1"}\n{"temp":1}\n',
      /^.+nokey\.jsonl line 2: the partition key field "deviceId" is missing\.\n$/,
    ],
    ['events.txt', 'x\n', /^.+events\.txt: events are read from \.csv or \.jsonl files, not "\.txt"\.\n$/],
  ];
  for (const [name, text, message] of cases) {
    const run = await cli([
      'streams',
      'send',
      writeFile(name, text),
      '--hub',
      hubs.empty,
      '--partition-key-field',
      'deviceId',
    ]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(message);
  }
  const unknownSetting = await cli([
    'streams',
    'send',
    writeFile('ok.csv', 'a\n1\n'),
    '--hub',
    hubs.empty,
    '--connection',
    'NoSuchSetting',
  ]);
  expect(unknownSetting.stderr).toMatch(/^--connection NoSuchSetting: no app setting "NoSuchSetting"/);
  expect(await isEmpty(hubs.empty)).toBe(true);
});

const byN = (body: unknown) => (body as { n: number }).n;

describe('validating a stream definition', () => {
  const validate = async (body: unknown) => {
    const response = await host.fetch('/api/streams/validate', {
      method: 'POST',
      headers: { 'x-functions-key': key, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('POST /api/streams/validate: 200 with the defaults applied and the model it resolves to now', async () => {
    expect(await validate({ ...clinic, name: 'other' })).toEqual({
      status: 200,
      body: {
        valid: true,
        definition: {
          ...clinic,
          name: 'other',
          source: { hub: hubs.clinic, consumerGroup: '$Default', connection: 'EventHubConnection' },
          mode: 'perEvent',
          outputs: { folder: 'clinic', format: 'jsonl' },
        },
        model: { reference: 'diabetes@production', name: 'diabetes', version: 1, sha256: expect.any(String) },
      },
    });
    const unknownModel = await validate({ ...clinic, model: 'nosuch@3' });
    expect(unknownModel).toMatchObject({
      status: 200,
      body: { model: { reference: 'nosuch@3', error: expect.any(String) } },
    });
  });

  it('POST /api/streams/validate: 400 naming the field for a bad definition', async () => {
    const cases: [unknown, string, string][] = [
      ['{ not json', '(body)', 'The request body must be a JSON stream definition.'],
      [
        { ...clinic, features: ['age', 'glucose'] },
        'features[1]',
        'features[1] "glucose" is not a field of the schema',
      ],
      [{ ...clinic, source: {} }, 'source.hub', 'source.hub'],
      [{ ...clinic, mode: 'window' }, 'window', 'window is required when mode is "window"'],
      [
        { ...clinic, mode: 'window', window: { size: '10 s' } },
        'window.size',
        'window.size must be a whole number with a unit',
      ],
      [{ ...clinic, extra: 1 }, '(definition)', 'has unknown field(s) extra'],
      [
        { ...clinic, outputs: { folder: 'x', container: 'azure-webjobs-hosts' } },
        'outputs.container',
        'container "azure-webjobs-hosts" is not one jobs may write',
      ],
    ];
    for (const [body, field, message] of cases) {
      const answer = await validate(body);
      expect(answer).toMatchObject({ status: 400, body: { field } });
      expect(answer.body.error).toContain(message);
    }
    expect((await validate({ ...clinic, features: ['age', 'glucose'] })).body.error).toBe(
      'Stream definition in the request body: features[1] "glucose" is not a field of the schema',
    );
  });

  it('streams validate <file> prints the definition with its defaults, or the field that is wrong', async () => {
    const good = await cli(['streams', 'validate', writeFile('good.json', JSON.stringify(clinic))]);
    expect(good).toMatchObject({ code: 0 });
    expect(good.stderr).toMatch(/good\.json: stream "clinic" is valid\. With its defaults:\n$/);
    expect(JSON.parse(good.stdout)).toMatchObject({
      ...clinic,
      mode: 'perEvent',
      source: { consumerGroup: '$Default' },
    });
    const badFile = writeFile('bad.json', JSON.stringify({ ...clinic, key: 'deviceId' }));
    expect(await cli(['streams', 'validate', badFile])).toEqual({
      code: 1,
      stdout: '',
      stderr: `Stream definition ${badFile}: key "deviceId" is not a field of the schema\n`,
    });
    const notJson = await cli(['streams', 'validate', writeFile('broken.json', '{')]);
    expect(notJson.stderr).toMatch(/^Stream definition .+broken\.json is not JSON: /);
  });
});

test('the IoT demo: readings sent with send are windowed, scored as onnxruntime scores their aggregates, shown by show', async () => {
  const file = path.join(work, 'sensors.csv');
  const generate = ['demo/iot/generateReadings.js', file, '--devices', '20', '--seconds', '30'];
  execFileSync(process.execPath, [
    ...generate,
    '--start',
    '2026-01-01T00:00:00Z',
    '--seed',
    '5',
    '--wear-rate',
    '0.03',
  ]);
  const sent = await cli([
    'streams',
    'send',
    file,
    '--hub',
    hubs.sensors,
    '--partition-key-field',
    'deviceId',
  ]);
  expect(sent.stdout).toMatch(/^Sent 600 events from .+ \(1 partitions, /);

  // Two windows close as later events arrive; the last one on its idle timer, 10 s after it opened.
  const windowsOf = async () => {
    const response = await host.fetch(`/api/streams/sensors/windows?from=2026-01-01T00:00:00Z`, {
      headers: { 'x-functions-key': key },
    });
    return ((await response.json()) as { windows: Record<string, unknown>[] }).windows;
  };
  const deadline = Date.now() + 40_000;
  let windows = await windowsOf();
  while (windows.filter((w) => w.state === 'Committed').length < 3 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    windows = await windowsOf();
  }
  expect(windows.map((w) => [w.windowStart, w.state, w.keys, w.eventsIn, w.lateEvents ?? 0])).toEqual(
    ['00', '10', '20'].map((s) => [`2026-01-01T00:00:${s}.000Z`, 'Committed', 20, 200, 0]),
  );

  const load = createRequire(__filename);
  const { windowAggregates } = load(path.resolve('demo/iot/windowAggregates.js')) as {
    windowAggregates: (
      readings: Record<string, unknown>[],
      options: { sizeMs: number; features: string[] },
    ) => { windowStartMs: number; deviceId: string; features: Record<string, number> }[];
  };
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const readings = lines.map((line) =>
    Object.fromEntries(line.split(',').map((cell, i) => [columns[i]!, i < 2 ? cell : Number(cell)])),
  );
  const features = sensors.features;
  const expected = windowAggregates(readings, { sizeMs: 10_000, features });
  const predictions = referencePredictions(
    'models/sensor-anomaly/model.onnx',
    expected.map((row) => features.map((name) => row.features[name]!)),
  ).variable!;
  const scored = (
    await Promise.all(
      windows.map(async (window) => {
        const [container, ...blob] = (window.output as string).split('/');
        const text = (
          await storage.container(container!).getBlobClient(blob.join('/')).downloadToBuffer()
        ).toString();
        return text
          .trim()
          .split('\n')
          .map((line): Record<string, unknown> => ({
            window: window.windowStart,
            ...(JSON.parse(line) as Record<string, unknown>),
          }));
      }),
    )
  ).flat();
  expect(scored).toHaveLength(60);
  expected.forEach((row, index) => {
    const found = scored.find(
      (r) => r.deviceId === row.deviceId && r.window === new Date(row.windowStartMs).toISOString(),
    )!;
    expect(found.variable as number).toBeCloseTo(predictions[index]!, 4);
    for (const name of features) expect(found[name] as number).toBeCloseTo(row.features[name]!, 6);
  });

  const show = await cli(['streams', 'show', 'sensors', '--url', host.baseUrl]);
  expect(show.stdout).toContain(
    '\nWindows:     tumbling, 10000 ms, event time "timestamp", 2000 ms late allowed\n',
  );
  // A window stream lands its events; its windows score them (events in = landed: no bad reading).
  expect(show.stdout).toMatch(/\nEvents: {6}(\d+) in, \1 landed, 0 bad\n/);
  expect(show.stdout).toMatch(
    /\nLast window: 2026-01-01T00:00:20\.000Z to 2026-01-01T00:00:30\.000Z Committed: 20 keys, 200 events \(0 late\), sensor-anomaly@1, committed \d+ ms after its close\n/,
  );
});
