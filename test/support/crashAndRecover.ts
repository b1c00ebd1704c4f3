import { TestHost } from './TestHost';
import { durableTestClient, uniqueHubName, waitForInstance } from './durableTestClient';
import { uniqueName } from './testStorage';

/** The fixture app the durable crash tests run (its host.json leaves the Durable defaults). */
export const durableEngineApp = 'test/fixtures/apps/durable-engine-app';

// crashFanOut: a fan-out of 60 activities, then a fan-in activity. Uninterrupted, it returns this:
export const fanOutActivities = 60;
export const fanOutOutput = {
  count: fanOutActivities,
  total: 2 * ((2 * ((fanOutActivities - 1) * fanOutActivities)) / 2),
};

/**
 * Limits for the restarted host: it shares one Azurite with every suite CI runs beside it, so a start
 * can take far longer than alone. `recoveryMs` is measured from its being ready, so this does not
 * loosen any recovery figure a test asserts.
 */
export const restartTimeoutMs = 60_000;
/** A jest timeout for a test that crashes and recovers once (two host starts and the recovery). */
export const crashTestTimeoutMs = 180_000;

/** host.json overrides of both Durable queues' visibility timeout, e.g. `00:00:05`. */
export const visibilityTimeout = (timeSpan: string) => ({
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__controlQueueVisibilityTimeout: timeSpan,
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout: timeSpan,
});

export interface CrashOptions {
  /** Settings of the host that crashes only. */
  crashing?: Record<string, string>;
  /** Settings of both hosts. */
  both?: Record<string, string>;
  /** How long the restarted host may take to finish the instance. */
  recoveryTimeoutMs?: number;
}

/**
 * Starts crashFanOut on a host set to crash, waits for the kill, then finishes it on a restarted host
 * (same host id and hub); `recoveryMs` runs from the restarted host being ready to the final status.
 */
export async function crashAndRecover(crash: (host: TestHost) => Promise<void>, options: CrashOptions = {}) {
  const hubName = uniqueHubName('Crash');
  const hostId = uniqueName('crash');
  const client = durableTestClient(hubName);
  const settings = { TEST_HUB_NAME: hubName, ...options.both };
  const first = await TestHost.start(durableEngineApp, {
    hostId,
    settings: { ...settings, ...options.crashing },
  });
  const instanceId = await client.startNew('crashFanOut', { input: String(fanOutActivities) });
  await crash(first);
  const second = await TestHost.start(durableEngineApp, {
    hostId,
    settings,
    startTimeoutMs: restartTimeoutMs,
  });
  const ready = Date.now();
  try {
    const status = await waitForInstance(client, instanceId, options.recoveryTimeoutMs ?? 45_000);
    const recoveryMs = Date.now() - ready;
    return { status, recoveryMs, firstOutput: first.output(), secondOutput: second.output() };
  } finally {
    await second.stop();
  }
}

/** Kills the host (SIGKILL) when it reaches the crash point (`DurableScoring__CrashAt` set on it). */
export const killedBy = (point: string) => async (host: TestHost) => {
  await host.waitForLog(new RegExp(`Crash point ${point} reached`), 30_000);
  await host.kill();
};

/** Kills the host (SIGKILL) once a few fan-out activities ran: the fan-out's work item is held. */
export const killedDuringFanOut = async (host: TestHost) => {
  await host.waitForLog(/slowDouble \d+[\s\S]*slowDouble \d+[\s\S]*slowDouble \d+/, 30_000);
  await host.kill();
};
