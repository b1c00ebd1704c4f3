import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { encodeQueueMessage } from '../../../src/dispatch';
import { StorageClients } from '../../../src/storage/StorageClients';
import { uniqueName } from '../../support/testStorage';
import { sleepItem, takeResults, waitFor } from '../../support/workQueues';

// The built worker program, started as the dispatchers start it.
const workerScript = path.resolve(__dirname, '../../../dist/src/worker/main.js');
const connection = process.env.TEST_STORAGE_CONNECTION ?? '';
const storage = new StorageClients(connection);
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startWorker(queues: { work: string; results: string }, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [workerScript, '--exit-when-idle'], {
    env: {
      ...process.env,
      AzureWebJobsStorage: connection,
      WORK_QUEUE: queues.work,
      WORK_RESULTS_QUEUE: queues.results,
      WORKER_EXECUTION_PROVIDER: 'cpu',
      WORKER_TEST_HANDLERS: 'test.sleep',
      WORKER_IDLE_SECONDS: '1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function queuesFor() {
  const names = { work: uniqueName('work'), results: uniqueName('results') };
  const container = uniqueName('out');
  await storage.ensureContainer(container);
  return {
    names,
    container,
    work: await storage.queue(names.work),
    results: await storage.queue(names.results),
  };
}

describe('the worker program', () => {
  it('answers an item of an unknown kind as failed, naming the kind', async () => {
    const { names, work, results } = await queuesFor();
    const item = { ...sleepItem('job1', 'u1', { container: 'x', steps: 1, stepMs: 0 }), kind: 'paintFrames' };
    await work.sendMessage(encodeQueueMessage(item));
    const worker = startWorker(names);
    const [result] = await takeResults(results, 1, { settleMs: 0 });
    expect(result).toMatchObject({
      status: 'failed',
      error:
        'paintFrames u1: No handler for work kind paintFrames; this worker handles styleFrames, test.sleep.',
      executionProvider: 'cpu',
    });
    expect(await worker.exited).toBe(0);
  });

  it('moves a message that is not a work item to the poison queue, unanswered', async () => {
    const { names, work, results } = await queuesFor();
    await work.sendMessage(Buffer.from('{"jobId":"job1"}').toString('base64'));
    const worker = startWorker(names);
    expect(await worker.exited).toBe(0);
    const poison = await storage.queue(`${names.work}-poison`);
    const { peekedMessageItems } = await poison.peekMessages();
    expect(peekedMessageItems.map((message) => message.messageText)).toEqual([
      Buffer.from('{"jobId":"job1"}').toString('base64'),
    ]);
    expect((await results.peekMessages()).peekedMessageItems).toEqual([]);
    expect(worker.stderr()).toContain('The work item message has a bad field itemId');
  });

  it('on SIGTERM releases an item it cannot finish within the grace period', async () => {
    const { names, container, work, results } = await queuesFor();
    await work.sendMessage(
      encodeQueueMessage(sleepItem('job2', 'long', { container, steps: 40, stepMs: 100 })),
    );
    const first = startWorker(names, { WORKER_STOP_GRACE_SECONDS: '0.5', WORKER_LEASE_SECONDS: '60' });
    await waitFor(async () => {
      for await (const blob of storage.container(container).listBlobsFlat()) return blob.name;
      return undefined;
    });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Visible again at once, not after the 60 s lease: a second worker takes it and finishes it.
    const second = startWorker(names);
    const answered = await takeResults(results, 1, { settleMs: 500, timeoutMs: 20_000 });
    expect(answered.map((result) => [result.status, result.ranOn])).toEqual([
      ['succeeded', `local process ${second.child.pid}`],
    ]);
    expect(first.stderr()).toContain('released message');
  });
});
