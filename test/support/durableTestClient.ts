import { randomBytes } from 'node:crypto';
import { TaskHub } from '../../src/host/durable/taskHub/TaskHub';
import { TaskHubClient, type InstanceStatus } from '../../src/host/durable/TaskHubClient';
import { isTerminal } from '../../src/host/durable/taskHub/RuntimeStatus';
import { testStorage } from './testStorage';

/** A task hub name unique to one test file, so parallel files never share control queues. */
export function uniqueHubName(prefix = 'Hub'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** A client on the test run's Azurite for a hub, as a tool outside the host would use it. */
export function durableTestClient(hubName: string): TaskHubClient {
  return new TaskHubClient(new TaskHub(testStorage(), hubName, 4), () => true);
}

/** Polls an instance until it reaches a final status (or the timeout passes). */
export async function waitForInstance(
  client: TaskHubClient,
  instanceId: string,
  timeoutMs = 20_000,
): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.getStatus(instanceId);
    if (status && isTerminal(status.runtimeStatus)) return status;
    if (Date.now() > deadline)
      throw new Error(
        `Instance ${instanceId} is still ${status?.runtimeStatus ?? 'missing'} after ${timeoutMs} ms.`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts an orchestration (input as JSON) and waits for it to end. */
export async function runOrchestration(
  client: TaskHubClient,
  name: string,
  input?: unknown,
): Promise<InstanceStatus> {
  const instanceId = await client.startNew(name, {
    input: input === undefined ? undefined : JSON.stringify(input),
  });
  return waitForInstance(client, instanceId);
}
