import { killPointTests } from '../support/killPointTests';
import { triggerPoints } from '../support/scoringKillPoints';

// The project's scoring app killed (SIGKILL) from the upload to its orchestration's start, while the
// run's Azurite keeps running; the restarted host (same id, hub, storage) must finish the job.
describe('a scoring job whose host is killed in its blob trigger (host alone)', () => {
  killPointTests('host alone', triggerPoints);
});
