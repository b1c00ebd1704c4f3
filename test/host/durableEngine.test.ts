import { TestHost } from '../support/TestHost';
import { durableTestClient, uniqueHubName, waitForInstance } from '../support/durableTestClient';

const appDir = 'test/fixtures/apps/durable-engine-app';
const hubName = uniqueHubName('Engine');
const client = durableTestClient(hubName);
let host: TestHost;

beforeAll(async () => {
  host = await TestHost.start(appDir, { settings: { TEST_HUB_NAME: hubName } });
});

afterAll(async () => {
  await host?.stop();
});

async function run(name: string, input?: unknown) {
  const instanceId = await client.startNew(name, {
    input: input === undefined ? undefined : JSON.stringify(input),
  });
  return waitForInstance(client, instanceId);
}

describe('durable engine', () => {
  it('runs a chain of activities in order, with string inputs decoded once', async () => {
    const status = await run('chain');
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('fans out and in, and keeps the custom status', async () => {
    const status = await run('fanOut', 60);
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toBe(2 * ((59 * 60) / 2));
    expect(JSON.parse(status.customStatus!)).toEqual({ done: 60 });
  });

  it('retries a failing activity with the SDK sequence ids (two failures, then success)', async () => {
    const status = await run('retrying');
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toBe('succeeded after 3');
  });

  it('surfaces exhausted retries to the orchestrator as an error it can catch', async () => {
    const status = await run('retryExhausted');
    expect(JSON.parse(status.output!)).toBe(
      "caught: Activity function 'alwaysFails' failed: this activity always fails ",
    );
  });

  it('fails the orchestration with the activity error when it is not caught', async () => {
    const status = await run('failing');
    expect(status.runtimeStatus).toBe('Failed');
    expect(JSON.parse(status.output!)).toContain(
      "Activity function 'alwaysFails' failed: this activity always fails",
    );
  });

  it('returns activity string results as strings', async () => {
    const status = await run('stringResult');
    expect(JSON.parse(status.output!)).toBe('123');
  });

  it('records the history as the Azure Storage provider does', async () => {
    const status = await run('chain');
    const withHistory = await client.getStatus(status.instanceId, { showHistory: true });
    const types = withHistory!.history!.map((event) => event.EventType);
    expect(types.filter((type) => type === 4)).toHaveLength(3);
    expect(types.filter((type) => type === 5)).toHaveLength(3);
    expect(types[types.length - 2]).toBe(1);
  });
});
