import { killPointTests } from '../support/killPointTests';
import { commitPoints } from '../support/scoringKillPoints';

// The project's scoring app killed (SIGKILL) inside the commit activity, before and after each of its
// writes, while the run's Azurite keeps running.
describe('a scoring job whose host is killed while it commits (host alone)', () => {
  killPointTests('host alone', commitPoints);
});
