import { killPointTests } from '../support/killPointTests';
import { embeddedAzuritePoints } from '../support/scoringKillPoints';

// The project's scoring app on a host that runs its own Azurite on disk (UseDevelopmentStorage=true,
// free ports, a data folder of its own): a kill (SIGKILL) takes the host and its Azurite, which saves
// on its way down; the restarted host starts Azurite again from disk and must finish the job.
describe('a scoring job whose host and embedded Azurite are killed (host + embedded Azurite)', () => {
  killPointTests('host + embedded Azurite', embeddedAzuritePoints);
});
