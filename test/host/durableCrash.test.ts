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

/** How often the host ran slowDouble for each input, in input order. */
const slowDoubleRuns = (output: string) => {
  const runs = Array.from({ length: activities }, () => 0);
  for (const [, n] of output.matchAll(/^slowDouble (\d+)$/gm)) runs[Number(n)]! += 1;
  return runs;
};

const killedBy = (point: string) => async (host: TestHost) => {
  await host.waitForLog(new RegExp(`Crash point ${point} reached`), 30_000);
  await host.kill();
};

describe('durable crash safety (SIGKILL, then restart)', () => {
  // During fan-in the crashed episode's inputs are results of the fan-out's work item, which reappears
  // after the restart: it runs every activity again, and recovery does not send them all a second time
  // (a work item whose visibility renewal comes late on a busy machine may still run a few twice:
  // activities are at least once).
  it.each([
    ['between an episode commit and its sends', 'after-commit:1', false],
    ['between the sends of a fan-out and the delete of its trigger message', 'after-send:1', false],
    ['during fan-in, after some results were committed', 'after-commit:4', true],
    // Every result committed, the fan-in activity scheduled but never sent: all that comes back is
    // results already in history.
    ['at the end of fan-in, before the fan-in activity was sent', 'after-commit-with-sends:2', true],
    [
      'after an activity sent its result, before its work item was deleted',
      'activity-after-result:10',
      false,
    ],
  ])('completes with the uninterrupted output when killed %s', async (_label, crashAt, fanIn) => {
    const { status, secondOutput } = await crashAndRecover(killedBy(crashAt.split(':')[0]!), {
      DurableScoring__CrashAt: crashAt,
    });
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.parse(status.output!)).toEqual(expected);
    if (fanIn) {
      const runs = slowDoubleRuns(secondOutput);
      expect(Math.min(...runs)).toBeGreaterThanOrEqual(1);
      expect(runs.reduce((sum, n) => sum + n, 0)).toBeLessThan(2 * activities);
    }
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
