import { TestHost } from '../support/TestHost';
import {
  durableTestClient,
  uniqueHubName,
  waitForInstance,
  runOrchestration,
} from '../support/durableTestClient';

const appDir = 'test/fixtures/apps/durable-engine-app';
const hubName = uniqueHubName('Children');
const client = durableTestClient(hubName);
let host: TestHost;

beforeAll(async () => {
  host = await TestHost.start(appDir, {
    settings: { TEST_HUB_NAME: hubName, AzureWebJobs_sayHello_Disabled: 'true' },
  });
});

afterAll(async () => {
  await host?.stop();
});

function run(name: string, input?: unknown) {
  return runOrchestration(client, name, input);
}

async function waitForStatus(instanceId: string, status: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await client.getStatus(instanceId);
    if (current?.runtimeStatus === status) return current;
    if (Date.now() > deadline) throw new Error(`${instanceId} is ${current?.runtimeStatus}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const uniqueId = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

describe('sub-orchestrations under an instance ID the parent chooses', () => {
  it('runs each retry attempt of a failed child as a new instance under the same ID', async () => {
    const status = await run('retriesChildUnderOneId');
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toBe('succeeded after 3');
    const child = await client.getStatus(`${status.instanceId}-child`);
    expect(child).toMatchObject({ runtimeStatus: 'Completed', parentInstanceId: status.instanceId });
  });

  it("hands the parent the child's last failure once the attempts are used up", async () => {
    const status = await run('catchesChildUnderOneId');
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toBe(
      "caught: Orchestrator function 'failing' failed: Activity function 'alwaysFails' failed: this activity always fails",
    );
  });

  it("fails the parent's task, naming the ID, when an instance with that ID is running", async () => {
    const busyId = uniqueId('busy');
    await client.startNew('waitsForever', { instanceId: busyId });
    await waitForStatus(busyId, 'Running');
    const status = await run('waitsOnChild', busyId);
    expect(JSON.parse(status.output!)).toBe(
      `failed: Cannot start sub-orchestration 'waitsForever' with instance ID '${busyId}': an instance with that ID already exists and is Running. Give each sub-orchestration that runs at the same time its own instance ID, or start it once that instance has finished.`,
    );
    // The running instance is left alone.
    expect((await client.getStatus(busyId))!.parentInstanceId).toBeUndefined();
    await client.terminate(busyId, 'test over');
  });

  it('refuses the second of two children started at once under one ID', async () => {
    const childId = uniqueId('twin');
    const status = await run('twoChildrenUnderOneId', childId);
    expect(JSON.parse(status.output!)).toMatch(
      new RegExp(
        `^failed: Cannot start sub-orchestration 'waitsForever' with instance ID '${childId}': .* is (Pending|Running)\\.`,
      ),
    );
    await client.terminate(childId, 'test over');
  });

  it("fails the parent's task when its child is terminated, with the reason", async () => {
    const childId = uniqueId('stopped');
    const parentId = await client.startNew('waitsOnChild', { input: JSON.stringify(childId) });
    await waitForStatus(childId, 'Running');
    await client.terminate(childId, 'no longer needed');
    const status = await waitForInstance(client, parentId);
    expect(JSON.parse(status.output!)).toBe(
      `failed: Sub-orchestration instance '${childId}' was terminated: no longer needed`,
    );
  });
});

describe('a durable function disabled by AzureWebJobs.<name>.Disabled', () => {
  it("is not run: calls to it fail with the Durable extension's message", async () => {
    const status = await run('chain');
    expect(status.runtimeStatus).toBe('Failed');
    expect(JSON.parse(status.output!)).toContain(
      "The function 'sayHello' doesn't exist, is disabled, or is not an activity function.",
    );
    expect(host.output()).toContain('sayHello: disabled (AzureWebJobs_sayHello_Disabled)');
  });
});
