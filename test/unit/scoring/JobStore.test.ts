import type { JobStatus } from '../../../src/scoring/JobStore';
import { JobStore } from '../../../src/scoring/JobStore';
import { StorageClients } from '../../../src/storage/StorageClients';
import { uniqueName } from '../../support/testStorage';

const store = new JobStore(new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? ''));

async function runningJob(): Promise<string> {
  const jobId = uniqueName('job');
  await store.create({
    jobId,
    status: 'Running',
    source: 'http',
    createdTime: new Date().toISOString(),
    input: 'input/x.csv',
  });
  return jobId;
}

describe('JobStore.transition', () => {
  it('changes the row only from the listed statuses and says what it found', async () => {
    const jobId = await runningJob();
    expect(await store.transition(jobId, ['Queued'], { status: 'Canceled' })).toBe('Running');
    expect((await store.get(jobId))?.status).toBe('Running');
    expect(await store.transition(jobId, ['Running'], { status: 'Committing' })).toBe('Running');
    expect((await store.get(jobId))?.status).toBe('Committing');
    expect(await store.transition('job-that-does-not-exist', ['Running'], { status: 'Canceled' })).toBe(
      undefined,
    );
  });

  it('of a cancel and a commit racing from Running, exactly one wins', async () => {
    for (let round = 0; round < 10; round++) {
      const jobId = await runningJob();
      const [cancel, commit] = await Promise.all([
        store.transition(jobId, ['Queued', 'Running'], {
          status: 'Canceled',
          reason: 'Canceled by request.',
        }),
        store.transition(jobId, ['Queued', 'Running', 'Committing'], { status: 'Committing' }),
      ]);
      const final = (await store.get(jobId))?.status;
      const cancelWon = cancel === 'Running' && final === 'Canceled';
      const commitWon = commit === 'Running' && final === 'Committing';
      expect([cancelWon, commitWon].filter(Boolean)).toHaveLength(1);
      // The loser saw the winner's status, so it knows it lost.
      const loserSaw: JobStatus | undefined = cancelWon ? commit : cancel;
      expect(loserSaw).toBe(final);
    }
  });
});
