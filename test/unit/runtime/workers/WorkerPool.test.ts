import path from 'node:path';
import { TransientError, ValidationError } from '../../../../src/errors';
import { WorkerTimeoutError } from '../../../../src/runtime/workers/workerErrors';
import { WorkerPool, type WorkerModule } from '../../../../src/runtime/workers/WorkerPool';
import type { ProbeRequest } from '../../../fixtures/workers/probeWorker';

type Reply = { threadId: number; length: number };

const probe: WorkerModule = {
  directory: path.join(__dirname, '../../../fixtures/workers'),
  name: 'probeWorker',
  label: 'probe worker',
};

describe('WorkerPool', () => {
  const pool = new WorkerPool({ size: 2 });
  const run = (request: ProbeRequest, transfer?: ArrayBuffer[]) =>
    pool.run<Reply>(probe, request, { transfer });
  afterAll(() => pool.close());

  it('runs tasks on its threads, more tasks than threads queued, transferred bytes handed over', async () => {
    const bytes = new Uint8Array(1000);
    const first = run({ kind: 'echo', bytes }, [bytes.buffer]);
    expect(bytes.byteLength).toBe(0);
    const replies = await Promise.all([
      first,
      ...Array.from({ length: 5 }, () => run({ kind: 'wait', ms: 20 })),
    ]);
    expect(replies[0].length).toBe(1000);
    expect(new Set(replies.map((reply) => reply.threadId)).size).toBe(2);
  });

  it('rethrows a task error as its own class with its details', async () => {
    const error = await run({ kind: 'invalid' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ message: 'row 3 is bad', details: { row: 3, field: 'price' } });
  });

  it('fails the task of a worker that dies with a TransientError and goes on with a new worker', async () => {
    const error = await run({ kind: 'exit' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe(
      'The probe worker stopped during its task: worker exited with code: 7',
    );
    const replies = await Promise.all(Array.from({ length: 4 }, () => run({ kind: 'wait', ms: 10 })));
    expect(replies).toHaveLength(4);
  });

  it('stops a task that runs past its time limit, even one that never yields, and goes on', async () => {
    const started = Date.now();
    const error = await pool
      .run(probe, { kind: 'spin' }, { timeoutMs: 300 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WorkerTimeoutError);
    expect((error as Error).message).toBe(
      'The probe worker did not finish its task within 300 ms and was stopped.',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const replies = await Promise.all(Array.from({ length: 4 }, () => run({ kind: 'wait', ms: 10 })));
    expect(replies).toHaveLength(4);
  });

  it('refuses tasks once closed', async () => {
    const closed = new WorkerPool({ size: 1 });
    await closed.close();
    await expect(closed.run(probe, { kind: 'wait', ms: 1 })).rejects.toThrow(
      'The worker pool is closed (probe worker)',
    );
  });
});
