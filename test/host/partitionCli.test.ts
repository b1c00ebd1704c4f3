import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StorageClients } from '../../src/storage/StorageClients';
import { uniqueName } from '../support/testStorage';

// `durable-scoring partition` as a user runs it: to a folder, and uploaded to the test Azurite.

const cli = path.resolve('bin/durable-scoring.js');
const ojTrain = 'test/fixtures/data/oj-train.csv';
const work = mkdtempSync(path.join(os.tmpdir(), 'partition-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'partition', ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** oj-train.csv's keys (Store × Brand), from the file itself. */
const ojKeys = new Set(
  readFileSync(ojTrain, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(1, 3).join('|')),
);

describe('durable-scoring partition', () => {
  it('writes one CSV per key and the index to --out, and says how many', async () => {
    const out = path.join(work, 'out');
    const result = await run([ojTrain, '--by', 'Store,Brand', '--out', out]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      new RegExp(
        `^Partitioning .*oj-train\\.csv \\(0\\.2 MiB\\) by Store, Brand…\\nPartitioned 996 rows into ${ojKeys.size} keys \\(0\\.2 MiB\\) in \\d+\\.\\d s: ${out}\\n$`,
      ),
    );
    const index = JSON.parse(readFileSync(path.join(out, '_partitions.json'), 'utf8')) as {
      partitions: { key: Record<string, string>; path: string }[];
    };
    expect(new Set(index.partitions.map((p) => `${p.key.Store}|${p.key.Brand}`))).toEqual(ojKeys);
    expect(index.partitions.every((p) => existsSync(path.join(out, p.path)))).toBe(true);
  });

  it('uploads to a container and prefix and prints the dataset to train', async () => {
    const container = uniqueName('partcli');
    const result = await run([ojTrain, '.', '--by', 'Store,Brand', '--upload', `${container}/oj/2026`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(
      `Uploaded ${ojKeys.size} partitions and _partitions.json to ${container}/oj/2026 in `,
    );
    expect(result.stdout).toContain(`{"dataset":{"container":"${container}","prefix":"oj/2026"}}`);
    const storage = new StorageClients(process.env.TEST_STORAGE_CONNECTION ?? '');
    const names: string[] = [];
    for await (const blob of storage.container(container).listBlobsFlat()) names.push(blob.name);
    expect(names).toHaveLength(ojKeys.size + 1);
    expect(names).toContain('oj/2026/_partitions.json');
  });

  it.each([
    [['--by', 'Store,Nope'], /oj-train\.csv: no column "Nope" to partition by/],
    [
      ['--by', 'Store', '--upload', 'sales'],
      /--upload sales: give a container and a blob prefix, e.g\. sales\/oj\./,
    ],
    [['--by', 'Store', '--memory', '0'], /--memory 0 is not a positive number of MiB\./],
  ])('refuses %j with the reason', async (args, message) => {
    const result = await run([ojTrain, ...args, '--out', path.join(work, uniqueName('bad'))]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
