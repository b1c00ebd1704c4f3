import { EntityClient } from '../../src/host/durable/EntityClient';
import { TaskHub } from '../../src/host/durable/taskHub/TaskHub';
import type { TaskHubClient } from '../../src/host/durable/TaskHubClient';
import { visibilityTimeout } from './crashAndRecover';
import { durableTestClient, uniqueHubName, waitForInstance } from './durableTestClient';
import { TestHost } from './TestHost';
import { testStorage, uniqueName } from './testStorage';

const appDir = 'test/fixtures/apps/durable-entity-app';
export const orchestrations = 10;
export const signalsEach = 100;
export const clientSignals = 50;
/** What the counters end at, crash or not. */
export const expectedCounts = { shared: orchestrations * signalsEach, clients: clientSignals };

export interface EntityCrashRun {
  readonly hubName: string;
  readonly hub: TaskHub;
  readonly client: TaskHubClient;
  readonly entities: EntityClient;
}

export function newEntityCrashRun(): EntityCrashRun {
  const hubName = uniqueHubName('EntityCrash');
  const hub = new TaskHub(testStorage(), hubName, 4);
  return { hubName, hub, client: durableTestClient(hubName), entities: new EntityClient(hub, () => true) };
}

/**
 * A client signals the counter "clients" 50 times, then ten orchestrations signal the counter "shared"
 * 100 times each (ten signals per episode, an activity in between); the host is killed (SIGKILL) by
 * `crash` (with `crashAt` as its DurableScoring__CrashAt) and restarted with the same host id and task
 * hub. Returns the counters once every message is consumed.
 */
export async function signalThroughACrash(
  run: EntityCrashRun,
  crash: (host: TestHost) => Promise<void>,
  crashAt?: string,
): Promise<{ shared: unknown; clients: unknown }> {
  const hostId = uniqueName('entitycrash');
  // Short timeouts: these tests are about what is recovered, not how soon.
  const settings = { TEST_HUB_NAME: run.hubName, ...visibilityTimeout('00:00:05') };
  const first = await TestHost.start(appDir, {
    hostId,
    settings: crashAt ? { ...settings, DurableScoring__CrashAt: crashAt } : settings,
  });
  for (let i = 0; i < clientSignals; i++)
    await run.entities.signal({ name: 'counter', key: 'clients' }, 'add', '1');
  const input = JSON.stringify({ key: 'shared', count: signalsEach, step: 10 });
  const ids = await Promise.all(
    Array.from({ length: orchestrations }, () => run.client.startNew('signalCounter', { input })),
  );
  await crash(first);
  const second = await TestHost.start(appDir, { hostId, settings });
  try {
    for (const id of ids)
      expect((await waitForInstance(run.client, id, 30_000)).runtimeStatus).toBe('Completed');
    await waitUntilConsumed(run);
    return { shared: await counterValue(run, 'shared'), clients: await counterValue(run, 'clients') };
  } finally {
    await second.stop();
  }
}

export async function counterValue(run: EntityCrashRun, key: string): Promise<unknown> {
  const read = await run.entities.readState({ name: 'counter', key });
  return read.exists ? JSON.parse(read.state ?? 'null') : 'missing';
}

/** Waits until the control queues hold no message, visible or not: every signal, sent once or again, is consumed. */
async function waitUntilConsumed(run: EntityCrashRun, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const queues = Array.from({ length: 4 }, (_, partition) =>
    testStorage().queues.getQueueClient(run.hub.names.controlQueue(partition)),
  );
  for (;;) {
    const counts = await Promise.all(
      queues.map(async (queue) => (await queue.getProperties()).approximateMessagesCount ?? 0),
    );
    if (counts.every((count) => count === 0)) return;
    if (Date.now() > deadline) {
      const shared = await counterValue(run, 'shared');
      throw new Error(
        `Control queues still hold ${counts.join(', ')} messages (shared is at ${String(shared)}).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
