import { TestHost } from '../support/TestHost';
import {
  crashAndRecover,
  crashTestTimeoutMs,
  durableEngineApp,
  fanOutOutput,
  killedBy,
  killedDuringFanOut,
  visibilityTimeout,
} from '../support/crashAndRecover';
import { durableTestClient, uniqueHubName, waitForInstance } from '../support/durableTestClient';

describe('durable recovery with the default visibility timeouts', () => {
  // What a killed host held comes back within one visibility timeout (15 s by default). Two crashes
  // run side by side: one while the orchestration's start message is held (control queue), one while
  // the fan-out's work item is (work-item queue).
  it(
    'a restarted host finishes an interrupted instance within 30 s of being ready',
    async () => {
      const outcomes = await Promise.all([
        crashAndRecover(killedBy('after-commit'), {
          crashing: { DurableScoring__CrashAt: 'after-commit:1' },
          recoveryTimeoutMs: 30_000,
        }),
        crashAndRecover(killedDuringFanOut, { recoveryTimeoutMs: 30_000 }),
      ]);
      for (const { status, recoveryMs } of outcomes) {
        expect({ status: status.runtimeStatus, output: JSON.parse(status.output!) as unknown }).toEqual({
          status: 'Completed',
          output: fanOutOutput,
        });
        expect(recoveryMs).toBeLessThanOrEqual(30_000);
      }
    },
    crashTestTimeoutMs,
  );
});

describe('activities that outlast the visibility timeout', () => {
  it('runs each once, even one that blocks the event loop (and so its renewals)', async () => {
    const hubName = uniqueHubName('Long');
    const client = durableTestClient(hubName);
    const host = await TestHost.start(durableEngineApp, {
      settings: { TEST_HUB_NAME: hubName, ...visibilityTimeout('00:00:02') },
    });
    try {
      const instanceId = await client.startNew('longActivities', {
        input: JSON.stringify({ sleepMs: 3000, blockMs: 3000 }),
      });
      const status = await waitForInstance(client, instanceId, 30_000);
      // A work item that resurfaced during the block is received within a poll (1 s); were it run
      // again, its first line would show by now.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect({
        status: status.runtimeStatus,
        output: JSON.parse(status.output!) as unknown,
        sleepRuns: host.count(/^sleepFor 3000 started$/),
        blockRuns: host.count(/^blockFor 3000 started$/),
      }).toEqual({
        status: 'Completed',
        output: { slept: 3000, blocked: 3000 },
        sleepRuns: 1,
        blockRuns: 1,
      });
    } finally {
      await host.stop();
    }
  });
});
