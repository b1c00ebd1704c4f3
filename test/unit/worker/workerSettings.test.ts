import { loadWorkerSettings } from '../../../src/worker/workerSettings';

// The worker's own settings, read from its environment.

it('reads WORKER_INTRA_OP_THREADS, leaving it to onnxruntime when unset', () => {
  expect(loadWorkerSettings({ WORKER_INTRA_OP_THREADS: '1' }).intraOpThreads).toBe(1);
  expect(loadWorkerSettings({}).intraOpThreads).toBeUndefined();
  expect(loadWorkerSettings({ WORKER_INTRA_OP_THREADS: '' }).intraOpThreads).toBeUndefined();
});

it('refuses a thread count that is not a positive whole number, naming the setting', () => {
  for (const value of ['0', '1.5', 'two'])
    expect(() => loadWorkerSettings({ WORKER_INTRA_OP_THREADS: value })).toThrow(
      /^Invalid worker setting WORKER_INTRA_OP_THREADS: /,
    );
});
