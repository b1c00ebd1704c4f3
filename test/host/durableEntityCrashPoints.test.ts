import { killedBy } from '../support/crashAndRecover';
import {
  entityCrashTestTimeoutMs,
  expectedCounts,
  lightLoad,
  newEntityCrashRun,
  signalThroughACrash,
} from '../support/entityCrash';

describe('durable entities killed at the points where a signal could be lost or doubled', () => {
  it.each([
    // The orchestrations' signals of the batch come back after the restart, already counted.
    ['after an entity batch commit, before its sends and deletes', 'entity-after-commit:@counter@shared:3'],
    // Signals in committed history, never sent: the restarted host sends them again.
    ['after an orchestration commit, before its signals are sent', 'after-commit-with-sends:25'],
  ])(
    'counts every signal exactly once when killed %s',
    async (_label, crashAt) => {
      const run = newEntityCrashRun(lightLoad);
      const point = crashAt.split(':')[0]!;
      expect(await signalThroughACrash(run, killedBy(point), crashAt)).toEqual(expectedCounts(run.load));
    },
    entityCrashTestTimeoutMs,
  );
});
