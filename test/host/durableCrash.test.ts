import {
  crashAndRecover,
  crashTestTimeoutMs,
  fanOutActivities,
  fanOutOutput,
  killedBy,
  killedDuringFanOut,
  visibilityTimeout,
} from '../support/crashAndRecover';

// These tests are about what is recovered, not how soon: short timeouts keep them quick (recovery
// with the default timeouts is in durableRecovery.test.ts).
const quickRedelivery = visibilityTimeout('00:00:05');

/** How often the host ran slowDouble for each input, in input order. */
const slowDoubleRuns = (output: string) => {
  const runs = Array.from({ length: fanOutActivities }, () => 0);
  for (const [, n] of output.matchAll(/^slowDouble (\d+)$/gm)) runs[Number(n)]! += 1;
  return runs;
};

describe('durable crash safety (SIGKILL, then restart)', () => {
  // During fan-in the crashed episode's inputs are results of the fan-out's work item, which reappears
  // after the restart: it runs every activity again, and recovery does not send them all a second time.
  // The first commit after the fan-out's is always within the fan-in; a later one may already be past it
  // on a busy machine (the results then come in fewer, larger episodes).
  it.each([
    ['between an episode commit and its sends', 'after-commit:1', false],
    ['between the sends of a fan-out and the delete of its trigger message', 'after-send:1', false],
    ['during fan-in, after the first results were committed', 'after-commit:2', true],
    // Every result committed, the fan-in activity scheduled but never sent: all that comes back is
    // results already in history.
    ['at the end of fan-in, before the fan-in activity was sent', 'after-commit-with-sends:2', true],
    [
      'after an activity sent its result, before its work item was deleted',
      'activity-after-result:10',
      false,
    ],
    // An invocation point (any trigger), here on an activity that returned: its result not yet sent.
    ['after an activity returned, before its result was sent', 'after-invocation:slowDouble:10', false],
  ])(
    'completes with the uninterrupted output when killed %s',
    async (_label, crashAt, fanIn) => {
      const { status, secondOutput } = await crashAndRecover(killedBy(crashAt.split(':')[0]!), {
        crashing: { DurableScoring__CrashAt: crashAt },
        both: quickRedelivery,
      });
      expect(status.runtimeStatus).toBe('Completed');
      expect(JSON.parse(status.output!)).toEqual(fanOutOutput);
      if (fanIn) {
        const runs = slowDoubleRuns(secondOutput);
        expect(Math.min(...runs)).toBeGreaterThanOrEqual(1);
        expect(runs.reduce((sum, n) => sum + n, 0)).toBeLessThan(2 * fanOutActivities);
      }
    },
    crashTestTimeoutMs,
  );

  it(
    'completes when killed at an arbitrary moment during the fan-out',
    async () => {
      const { status } = await crashAndRecover(killedDuringFanOut, { both: quickRedelivery });
      expect(status.runtimeStatus).toBe('Completed');
      expect(JSON.parse(status.output!)).toEqual(fanOutOutput);
    },
    crashTestTimeoutMs,
  );
});
