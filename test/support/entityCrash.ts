import { EntityClient } from '../../src/host/durable/EntityClient';
import { TaskHub } from '../../src/host/durable/taskHub/TaskHub';
import type { TaskHubClient } from '../../src/host/durable/TaskHubClient';
import { visibilityTimeout } from './crashAndRecover';
import { durableTestClient, uniqueHubName, waitForInstance } from './durableTestClient';
import { TestHost } from './TestHost';
import { testStorage, uniqueName } from './testStorage';

const appDir = 'test/fixtures/apps/durable-entity-app';

/** How many signals a run sends: `orchestrations` each signal "shared" `signalsEach` times. */
export interface EntityCrashLoad {
  readonly orchestrations: number;
  readonly signalsEach: number;
  /** Signals per episode (an activity runs between episodes). */
  readonly step: number;
  readonly clientSignals: number;
}

/** The figure: 1,000 signals from 10 concurrent orchestrations, and 50 from a client. */
export const fullLoad: EntityCrashLoad = {
  orchestrations: 10,
  signalsEach: 100,
  step: 10,
  clientSignals: 50,
};
/**
 * Enough for a crash point to fall mid-run (40 episodes with signals, several entity batches) at a
 * fifth of the work, so the crash-point suites stay light beside the other host suites.
 */
export const lightLoad: EntityCrashLoad = { orchestrations: 4, signalsEach: 50, step: 5, clientSignals: 20 };

/** What the counters end at, crash or not. */
export const expectedCounts = (load: EntityCrashLoad) => ({
  shared: load.orchestrations * load.signalsEach,
  clients: load.clientSignals,
});

// The restarted host shares one Azurite with every suite CI runs beside it: generous limits, since
// these tests are about what is recovered, not how soon.
const restartTimeoutMs = 60_000;
const recoveryTimeoutMs = 120_000;
/** A per-test timeout for jest that covers two host starts and the recovery. */
export const entityCrashTestTimeoutMs = 2 * restartTimeoutMs + 2 * recoveryTimeoutMs;

export interface EntityCrashRun {
  readonly hubName: string;
  readonly hub: TaskHub;
  readonly client: TaskHubClient;
  readonly entities: EntityClient;
  readonly load: EntityCrashLoad;
}

export function newEntityCrashRun(load: EntityCrashLoad = fullLoad): EntityCrashRun {
  const hubName = uniqueHubName('EntityCrash');
  const hub = new TaskHub(testStorage(), hubName, 4);
  return {
    hubName,
    hub,
    client: durableTestClient(hubName),
    entities: new EntityClient(hub, () => true),
    load,
  };
}

/**
 * A client signals the counter "clients" `clientSignals` times, then `orchestrations` orchestrations
 * signal the counter "shared" `signalsEach` times each (`step` signals per episode, an activity in
 * between); the host is killed (SIGKILL) by
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
  const { load } = run;
  for (let i = 0; i < load.clientSignals; i++)
    await run.entities.signal({ name: 'counter', key: 'clients' }, 'add', '1');
  const input = JSON.stringify({ key: 'shared', count: load.signalsEach, step: load.step });
  const ids = await Promise.all(
    Array.from({ length: load.orchestrations }, () => run.client.startNew('signalCounter', { input })),
  );
  await crash(first);
  const second = await TestHost.start(appDir, { hostId, settings, startTimeoutMs: restartTimeoutMs });
  try {
    for (const id of ids)
      expect((await waitForInstance(run.client, id, recoveryTimeoutMs)).runtimeStatus).toBe('Completed');
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
async function waitUntilConsumed(run: EntityCrashRun, timeoutMs = recoveryTimeoutMs): Promise<void> {
  try {
    await waitUntilControlQueuesEmpty(run.hub, timeoutMs);
  } catch (error) {
    throw new Error(
      `${(error as Error).message} (shared is at ${String(await counterValue(run, 'shared'))})`,
    );
  }
}

/** Waits until the hub's control queues hold no message, visible or not (4 partitions). */
export async function waitUntilControlQueuesEmpty(hub: TaskHub, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const queues = Array.from({ length: 4 }, (_, partition) =>
    testStorage().queues.getQueueClient(hub.names.controlQueue(partition)),
  );
  for (;;) {
    const counts = await Promise.all(
      queues.map(async (queue) => (await queue.getProperties()).approximateMessagesCount ?? 0),
    );
    if (counts.every((count) => count === 0)) return;
    if (Date.now() > deadline) throw new Error(`Control queues still hold ${counts.join(', ')} messages.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
