import { TestHost } from '../support/TestHost';
import { durableTestClient, uniqueHubName, waitForInstance } from '../support/durableTestClient';
import { uniqueName } from '../support/testStorage';

// A fan-out of 60 activities, then a fan-in activity. Uninterrupted, it returns this:
const activities = 60;
const expected = { count: activities, total: 2 * ((2 * ((activities - 1) * activities)) / 2) };

const appDir = 'test/fixtures/apps/durable-engine-app';

/** Starts the instance on a host set to crash, waits for the kill, then finishes on a restarted host. */
async function crashAndRecover(
  crash: (host: TestHost) => Promise<void>,
  settings: Record<string, string> = {},
) {
  const hubName = uniqueHubName('Crash');
  const hostId = uniqueName('crash');
  const client = durableTestClient(hubName);
  const first = await TestHost.start(appDir, { hostId, settings: { TEST_HUB_NAME: hubName, ...settings } });
  const instanceId = await client.startNew('crashFanOut', { input: String(activities) });
  await crash(first);
  const second = await TestHost.start(appDir, { hostId, settings: { TEST_HUB_NAME: hubName } });
  try {
    const status = await waitForInstance(client, instanceId, 45_000);
    return { status, firstOutput: first.output(), secondOutput: second.output() };
  } finally {
    await second.stop();
  }
}

const killedBy = (point: string) => async (host: TestHost) => {
  await host.waitForLog(new RegExp(`Crash point ${point} reached`), 30_000);
  await host.kill();
};

describe('durable crash safety (SIGKILL, then restart)', () => {
  it.each([
    ['between an episode commit and its sends', 'after-commit:1'],
    ['between the sends of a fan-out and the delete of its trigger message', 'after-send:1'],
    ['during fan-in, after some results were committed', 'after-commit:4'],
    ['after an activity sent its result, before its work item was deleted', 'activity-after-result:10'],
  ])('completes with the uninterrupted output when killed %s', async (_label, crashAt) => {
    const { status } = await crashAndRecover(killedBy(crashAt.split(':')[0]!), {
      DurableScoring__CrashAt: crashAt,
    });
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toEqual(expected);
  });

  it('completes when killed at an arbitrary moment during the fan-out', async () => {
    const { status } = await crashAndRecover(async (host) => {
      await host.waitForLog(/slowDouble \d+[\s\S]*slowDouble \d+[\s\S]*slowDouble \d+/, 30_000);
      await host.kill();
    });
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toEqual(expected);
  });
});
