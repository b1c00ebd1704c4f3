import os from 'node:os';
import path from 'node:path';
import { LocalProcessDispatcher } from '../../../src/dispatch';
import { StorageClients } from '../../../src/storage/StorageClients';
import { uniqueName } from '../../support/testStorage';
import { sleepItem, sleepOutput, takeResults, waitFor } from '../../support/workQueues';

// Real worker processes (the built dist/src/worker/main.js) against the run's Azurite.
const workerScript = path.resolve(__dirname, '../../../dist/src/worker/main.js');

const dispatchers: LocalProcessDispatcher[] = [];
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.close()));
});

async function setUp(workers: number, workerEnv: NodeJS.ProcessEnv) {
  const connection = process.env.TEST_STORAGE_CONNECTION ?? '';
  const storage = new StorageClients(connection);
  const names = { workQueue: uniqueName('work'), workResultsQueue: uniqueName('results') };
  const lines: string[] = [];
  const dispatcher = new LocalProcessDispatcher({
    storage,
    ...names,
    workers,
    workerScript,
    env: {
      AzureWebJobsStorage: connection,
      WORKER_TEST_HANDLERS: 'test.sleep',
      WORKER_EXECUTION_PROVIDER: 'auto',
      ...workerEnv,
    },
    log: (line) => lines.push(line),
  });
  dispatchers.push(dispatcher);
  const container = uniqueName('out');
  await storage.ensureContainer(container);
  return { storage, dispatcher, names, lines, container };
}

async function blobText(storage: StorageClients, container: string, name: string): Promise<string> {
  return (await storage.container(container).getBlobClient(name).downloadToBuffer()).toString();
}

async function blobNames(storage: StorageClients, container: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of storage.container(container).listBlobsFlat()) names.push(blob.name);
  return names;
}

describe('LocalProcessDispatcher', () => {
  it('runs every item once in worker processes, reports the CPU provider and exits when idle', async () => {
    const { storage, dispatcher, names, lines, container } = await setUp(2, { WORKER_IDLE_SECONDS: '1' });
    const items = ['u1', 'u2', 'u3', 'u4', 'u5'].map((unit) =>
      sleepItem('job1', unit, { container, steps: 2, stepMs: 20 }),
    );
    const failing = sleepItem('job1', 'u6', { container, steps: 1, stepMs: 0, outcome: 'fail' });
    await dispatcher.dispatch([...items, failing]);
    const results = await takeResults(await storage.queue(names.workResultsQueue), 6);

    expect(results.map((result) => result.itemId).sort()).toEqual(
      [...items, failing].map((item) => item.itemId),
    );
    expect(results.filter((result) => result.status === 'succeeded')).toHaveLength(5);
    expect(results.find((result) => result.unit === 'u6')).toMatchObject({
      status: 'failed',
      error: 'test.sleep u6: test.sleep job1/u6.txt: failing as asked',
    });
    // The auto setting tries CUDA; this machine has none.
    expect(new Set(results.map((result) => result.executionProvider))).toEqual(new Set(['cpu']));
    expect(results.every((result) => /^local process \d+$/.test(result.ranOn))).toBe(true);
    // Two workers share the cores for onnxruntime.
    const threads = Math.max(1, Math.floor(os.availableParallelism() / 2));
    const starts = lines.filter((line) => line.includes('taking items from'));
    expect(starts.length).toBeGreaterThan(0);
    for (const line of starts) expect(line).toMatch(new RegExp(`on cpu, ${threads} intra-op threads?$`));
    for (const item of items)
      expect(await blobText(storage, container, `job1/${item.unit}.txt`)).toBe(
        sleepOutput(`job1/${item.unit}.txt`, 2),
      );
    await waitFor(() => Promise.resolve(dispatcher.workerPids().length === 0 ? true : undefined));
    const { approximateMessagesCount } = await (await storage.queue(names.workQueue)).getProperties();
    expect(approximateMessagesCount).toBe(0);
  });

  it('runs an item again in another worker when its worker is killed mid-item', async () => {
    const { storage, dispatcher, names, container } = await setUp(1, {
      WORKER_LEASE_SECONDS: '3',
      WORKER_IDLE_SECONDS: '15',
    });
    const item = sleepItem('job2', 'frames-1-8', { container, steps: 8, stepMs: 250 });
    await dispatcher.dispatch([item]);
    const runs = `job2/frames-1-8.txt.runs/`;
    const firstPid = await waitFor(async () => {
      const run = (await blobNames(storage, container)).find((name) => name.startsWith(runs));
      return run === undefined ? undefined : Number(run.slice(runs.length));
    });
    await new Promise((resolve) => setTimeout(resolve, 600)); // a few blocks staged, none committed
    process.kill(firstPid, 'SIGKILL');
    const results = await takeResults(await storage.queue(names.workResultsQueue), 1, { settleMs: 3000 });

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ itemId: item.itemId, status: 'succeeded' });
    expect(results[0]?.ranOn).not.toBe(`local process ${firstPid}`);
    expect(await blobText(storage, container, 'job2/frames-1-8.txt')).toBe(
      sleepOutput('job2/frames-1-8.txt', 8),
    );
    const outputs = (await blobNames(storage, container)).filter((name) => !name.includes('.runs/'));
    expect(outputs).toEqual(['job2/frames-1-8.txt']);
    expect((await blobNames(storage, container)).filter((name) => name.startsWith(runs))).toHaveLength(2);
  });

  it('answers cancelled for the running and the waiting items of a cancelled job', async () => {
    const { storage, dispatcher, names, container } = await setUp(1, { WORKER_IDLE_SECONDS: '15' });
    const items = ['a', 'b', 'c', 'd'].map((unit) =>
      sleepItem('job3', unit, { container, steps: 20, stepMs: 100 }),
    );
    await dispatcher.dispatch(items);
    await waitFor(async () => ((await blobNames(storage, container)).length > 0 ? true : undefined));
    await dispatcher.cancel('job3');
    const results = await takeResults(await storage.queue(names.workResultsQueue), 4);

    expect(results.map((result) => [result.unit, result.status]).sort()).toEqual([
      ['a', 'cancelled'],
      ['b', 'cancelled'],
      ['c', 'cancelled'],
      ['d', 'cancelled'],
    ]);
    expect((await blobNames(storage, container)).filter((name) => !name.includes('.runs/'))).toEqual([]);
  });
});
