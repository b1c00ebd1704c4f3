import { killedBy } from '../support/crashAndRecover';
import {
  counterValue,
  entityCrashTestTimeoutMs,
  expectedCounts,
  lightLoad,
  newEntityCrashRun,
  signalThroughACrash,
} from '../support/entityCrash';
import type { TestHost } from '../support/TestHost';

describe('durable entities across a host crash (SIGKILL, then restart)', () => {
  // The case: 1,000 signals from 10 concurrent orchestrations, SIGKILL part way through.
  it(
    'counts every signal exactly once when killed at an arbitrary moment',
    async () => {
      const run = newEntityCrashRun();
      const killPartWay = async (host: TestHost) => {
        for (;;) {
          const value = await counterValue(run, 'shared');
          if (typeof value === 'number' && value >= 300) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await host.kill();
      };
      expect(await signalThroughACrash(run, killPartWay)).toEqual(expectedCounts(run.load));
    },
    entityCrashTestTimeoutMs,
  );

  // The batch of client signals comes back after the restart, though the state already counts it.
  it(
    'counts client signals once when killed after their batch commit, before its deletes',
    async () => {
      const crashAt = 'entity-after-commit:@counter@clients:1';
      const run = newEntityCrashRun(lightLoad);
      expect(await signalThroughACrash(run, killedBy('entity-after-commit'), crashAt)).toEqual(
        expectedCounts(run.load),
      );
    },
    entityCrashTestTimeoutMs,
  );
});
