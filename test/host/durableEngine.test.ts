import { randomUUID } from 'node:crypto';
import { EventType, newEvent } from '../../src/host/durable/history/HistoryEvent';
import { TaskHub } from '../../src/host/durable/taskHub/TaskHub';
import { TestHost } from '../support/TestHost';
import {
  durableTestClient,
  uniqueHubName,
  waitForInstance,
  runOrchestration,
} from '../support/durableTestClient';
import { testStorage } from '../support/testStorage';

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

function run(name: string, input?: unknown) {
  return runOrchestration(client, name, input);
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

async function waitForStatus(instanceId: string, status: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await client.getStatus(instanceId);
    if (current?.runtimeStatus === status) return current;
    if (Date.now() > deadline) throw new Error(`${instanceId} is ${current?.runtimeStatus}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('durable engine: timers, events, sub-orchestrations, lifecycle', () => {
  it('fires a durable timer no earlier than its time', async () => {
    const status = await run('withTimer');
    expect(JSON.parse(status.output!)).toBe(true);
  });

  it('delivers an external event that wins a race against a timer', async () => {
    const instanceId = await client.startNew('approval');
    await waitForStatus(instanceId, 'Running');
    await client.raiseEvent(instanceId, 'Approval', JSON.stringify({ by: 'Ada' }));
    const status = await waitForInstance(client, instanceId);
    expect(JSON.parse(status.output!)).toBe('approved by Ada');
  });

  it('lets the timer win when no event comes', async () => {
    expect(JSON.parse((await run('approvalTimeout')).output!)).toBe('timed out');
  });

  it('keeps an event raised before the orchestrator waits for it', async () => {
    const instanceId = await client.startNew('gated');
    await client.raiseEvent(instanceId, 'go', '21').catch(() => undefined);
    await waitForStatus(instanceId, 'Running').catch(() => undefined);
    const status = await waitForInstance(client, instanceId);
    expect(JSON.parse(status.output!)).toBe(42);
  });

  it('continues as new with a fresh history until done', async () => {
    const status = await run('counter', 0);
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toBe(4);
    const withHistory = await client.getStatus(status.instanceId, { showHistory: true });
    expect(withHistory!.history!.filter((event) => event.EventType === 4)).toHaveLength(0);
  });

  it('runs sub-orchestrations, with generated and given instance ids', async () => {
    const status = await run('parent');
    expect(JSON.parse(status.output!)).toEqual({
      chain: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
      sequence: 14,
    });
    const child = await client.getStatus(`${status.instanceId}-child`);
    expect(child!.runtimeStatus).toBe('Completed');
    expect(child!.parentInstanceId).toBe(status.instanceId);
  });

  it('passes a string input to a sub-orchestration as that string', async () => {
    expect(JSON.parse((await run('parentWithStringInput')).output!)).toBe('Sub input');
  });

  it('surfaces a failed sub-orchestration to its parent', async () => {
    expect(JSON.parse((await run('parentOfFailure')).output!)).toBe('child failed: true');
  });

  it('fails an orchestration whose code throws, with the message', async () => {
    const status = await run('throws');
    expect(status.runtimeStatus).toBe('Failed');
    expect(JSON.parse(status.output!)).toContain('orchestrator gave up');
  });

  it('fails an orchestration that calls an entity the app does not have, with the reason', async () => {
    const status = await run('usesEntity');
    expect(status.runtimeStatus).toBe('Failed');
    expect(JSON.parse(status.output!)).toContain(
      "The function 'counter' doesn't exist, is disabled, or is not an entity function.",
    );
  });

  it('marks an instance Failed, with the reason, when its episodes keep failing', async () => {
    const status = await waitForInstance(client, await client.startNew('notDurable'), 30_000);
    expect(status.runtimeStatus).toBe('Failed');
    expect(JSON.parse(status.output!)).toMatch(
      /^The host could not run this orchestration: .*not valid JSON/,
    );
  }, 40_000);

  it('terminates a running instance, and refuses to terminate it twice (410)', async () => {
    const instanceId = await client.startNew('waitsForever');
    await waitForStatus(instanceId, 'Running');
    await client.terminate(instanceId, 'no longer needed');
    const status = await waitForInstance(client, instanceId);
    expect(status.runtimeStatus).toBe('Terminated');
    expect(JSON.parse(status.output!)).toBe('no longer needed');
    await expect(client.terminate(instanceId)).rejects.toMatchObject({ status: 410 });
  });

  it('suspends and resumes: events wait while suspended', async () => {
    const instanceId = await client.startNew('gated');
    await waitForStatus(instanceId, 'Running');
    await client.suspend(instanceId, 'pause');
    await waitForStatus(instanceId, 'Suspended');
    await client.raiseEvent(instanceId, 'go', '5');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await client.getStatus(instanceId))!.runtimeStatus).toBe('Suspended');
    await client.resume(instanceId, 'go on');
    expect(JSON.parse((await waitForInstance(client, instanceId)).output!)).toBe(10);
  });

  it('moves payloads over 45 KB to the large-messages container and back', async () => {
    const status = await run('bigPayload');
    expect(JSON.parse(status.output!)).toBe(100_000);
  });

  it('keeps payloads of more than 32K characters (the limit of a table property) out of the tables', async () => {
    const status = await run('midPayload');
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toBe(40_000);
  });

  it('purges a finished instance: row and history are gone', async () => {
    const status = await run('chain');
    expect(await client.purge(status.instanceId)).toBe(true);
    expect(await client.getStatus(status.instanceId)).toBeUndefined();
  });
});

// A client sends the start message, then writes the instance row; these are clients that died between.
describe('durable engine: starts whose client died before writing the instance row', () => {
  const hub = new TaskHub(testStorage(), hubName, 4);
  const sendStartOnly = (instanceId: string, name: string) => {
    const executionId = randomUUID().replace(/-/g, '');
    const event = newEvent(EventType.ExecutionStarted, new Date().toISOString(), {
      Name: name,
      ExecutionId: executionId,
    });
    return hub.queues
      .sendControl({ kind: 'control', id: randomUUID(), instanceId, executionId, event })
      .then(() => executionId);
  };
  const chainOutput = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

  it('runs a start message that has no instance row, and writes the row', async () => {
    const instanceId = `orphan-${randomUUID()}`;
    const executionId = await sendStartOnly(instanceId, 'chain');
    const status = await waitForInstance(client, instanceId);
    expect({ ...status, output: JSON.parse(status.output!) as unknown }).toMatchObject({
      name: 'chain',
      executionId,
      runtimeStatus: 'Completed',
      output: chainOutput,
    });
  });

  it('starts a finished instance over from a start message its row does not show yet', async () => {
    const first = await run('chain');
    const executionId = await sendStartOnly(first.instanceId, 'chain');
    const deadline = Date.now() + 20_000;
    let status = await client.getStatus(first.instanceId);
    while (status?.executionId !== executionId || status.runtimeStatus !== 'Completed') {
      if (Date.now() > deadline) throw new Error(`Not started over: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await client.getStatus(first.instanceId);
    }
    expect(JSON.parse(status.output!)).toEqual(chainOutput);
  });
});

describe('durable engine: host.json settings', () => {
  it('runs at most maxConcurrentActivityFunctions activities at once (set through AzureFunctionsJobHost__)', async () => {
    const limitedHub = uniqueHubName('Limited');
    const limited = await TestHost.start(appDir, {
      settings: {
        TEST_HUB_NAME: limitedHub,
        AzureFunctionsJobHost__extensions__durableTask__maxConcurrentActivityFunctions: '3',
      },
    });
    try {
      const limitedClient = durableTestClient(limitedHub);
      const instanceId = await limitedClient.startNew('concurrency');
      const status = await waitForInstance(limitedClient, instanceId);
      expect(JSON.parse(status.output!)).toBe(3);
    } finally {
      await limited.stop();
    }
  });
});
