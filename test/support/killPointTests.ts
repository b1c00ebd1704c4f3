import { Semaphore } from '../../src/host/durable/engine/Semaphore';
import { expectRecovered } from './expectRecovered';
import type { StorageMode } from './crashPlace';
import { ScoringCrashSuite, type KillPoint } from './ScoringCrashSuite';

// Kill points of a file run three at a time: with jest's other worker doing the same, that keeps some
// six hosts (and their restarts) on the two cores, most of them waiting for what the killed host held.
const runsAtOnce = 3;

/**
 * One test per kill point, each on its own host, input container and task hub, compared with one
 * uninterrupted job of the suite; the recovery figures are printed at the end.
 */
export function killPointTests(mode: StorageMode, points: readonly KillPoint[]): void {
  const suite = new ScoringCrashSuite(mode);
  const slots = new Semaphore(runsAtOnce);
  afterAll(() => console.log(suite.figures()));
  test.concurrent.each(points.map((point) => [point.stage, point] as const))(
    'killed at "%s", the job ends as if uninterrupted',
    async (_stage, point) => {
      const [reference, outcome] = await Promise.all([
        suite.reference(),
        slots.run(() => suite.crash(point)),
      ]);
      expectRecovered(outcome, reference, suite.input);
    },
    // Most of it waiting for a slot.
    150_000,
  );
}
