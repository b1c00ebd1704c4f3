import { killPointTests } from '../support/killPointTests';
import { jobPoints } from '../support/scoringKillPoints';

// The project's scoring app killed (SIGKILL) from its orchestration's first episode to the waves of
// partitions, while the run's Azurite keeps running.
describe('a scoring job whose host is killed while it plans and scores (host alone)', () => {
  killPointTests('host alone', jobPoints);
});
