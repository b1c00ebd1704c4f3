import { sendEvents } from '../../src/host/eventHubs/sendEvents';
import { TestHost } from '../support/TestHost';
import { testStorage, uniqueName } from '../support/testStorage';

// host.json extensions.eventHubs.initialOffsetOptions: where a partition without a checkpoint starts.
const appDir = 'test/fixtures/apps/eventhub-app';

/** Sends `{n}` events, one partition key, straight into the hub's log. */
async function sendNumbers(hub: string, numbers: number[]): Promise<void> {
  await sendEvents(
    testStorage(),
    hub,
    numbers.map((n) => ({ body: JSON.stringify({ n }) })),
    { partitionKey: 'k' },
  );
}

function bodiesSeen(host: TestHost): number[] {
  return host
    .output()
    .split('\n')
    .map((line) => /\] BATCH (.*)$/.exec(line)?.[1])
    .filter((json): json is string => json !== undefined)
    .flatMap((json) => (JSON.parse(json) as { messages: { n: number }[] }).messages.map((m) => m.n));
}

function hubSettings(type: string, extra: Record<string, string> = {}) {
  const hub = uniqueName('offset');
  const settings = {
    BATCH_HUB: hub,
    FAIL_HUB: uniqueName('unused'),
    FORWARD_HUB: uniqueName('unused'),
    SINGLE_HUB: uniqueName('unused'),
    AzureFunctionsJobHost__extensions__eventHubs__initialOffsetOptions__type: type,
    ...extra,
  };
  return { hub, settings };
}

async function waitForBodies(host: TestHost, count: number): Promise<number[]> {
  const deadline = Date.now() + 15_000;
  while (bodiesSeen(host).length < count) {
    if (Date.now() > deadline) throw new Error(`Timed out. Output:\n${host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Anything else would arrive with the batch that is already there.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return bodiesSeen(host);
}

test('fromEnd skips the events that were there before the first start', async () => {
  const { hub, settings } = hubSettings('fromEnd');
  await sendNumbers(hub, [0, 1, 2]);
  const host = await TestHost.start(appDir, { settings });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await sendNumbers(hub, [3, 4]);
    expect(await waitForBodies(host, 2)).toEqual([3, 4]);
  } finally {
    await host.stop();
  }
});

test('fromEnqueuedTime starts after the given time', async () => {
  const { hub, settings } = hubSettings('fromStart');
  await sendNumbers(hub, [0, 1]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const between = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await sendNumbers(hub, [2, 3]);
  const byTime = await TestHost.start(appDir, {
    settings: {
      ...settings,
      AzureFunctionsJobHost__extensions__eventHubs__initialOffsetOptions__type: 'fromEnqueuedTime',
      AzureFunctionsJobHost__extensions__eventHubs__initialOffsetOptions__enqueuedTimeUtc: between,
    },
  });
  try {
    expect(await waitForBodies(byTime, 2)).toEqual([2, 3]);
  } finally {
    await byTime.stop();
  }
});

test('fromStart (the default) reads a partition from its first event', async () => {
  const { hub, settings } = hubSettings('fromStart');
  await sendNumbers(hub, [0, 1, 2]);
  const host = await TestHost.start(appDir, { settings });
  try {
    expect(await waitForBodies(host, 3)).toEqual([0, 1, 2]);
  } finally {
    await host.stop();
  }
});

test('fromEnqueuedTime without a time stops the host, naming the setting', async () => {
  const { settings } = hubSettings('fromEnqueuedTime');
  const { code, output } = await TestHost.startExpectingFailure(appDir, { settings });
  expect(code).not.toBe(0);
  expect(output).toContain('extensions.eventHubs.initialOffsetOptions.enqueuedTimeUtc');
});
