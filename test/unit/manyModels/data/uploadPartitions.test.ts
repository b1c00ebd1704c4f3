import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { NotFoundError } from '../../../../src/errors';
import { partitionCsvByKeys } from '../../../../src/manyModels/data/partitionCsvByKeys';
import { partitionIndexSchema } from '../../../../src/manyModels/data/PartitionIndex';
import { uploadPartitions } from '../../../../src/manyModels/data/uploadPartitions';
import { testStorage, uniqueName } from '../../../support/testStorage';

const ojTrain = path.join(__dirname, '../../../fixtures/data/oj-train.csv');

let work: string;
let container: ContainerClient;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'partition-upload-'));
  container = testStorage().blobs.getContainerClient(uniqueName('partitions'));
  await container.create();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await container.delete();
});

describe('uploadPartitions', () => {
  it('copies every partition file and the index to the prefix with the same layout and bytes', async () => {
    const outDir = path.join(work, 'oj');
    const index = await partitionCsvByKeys(ojTrain, { keys: ['Store', 'Brand'], outDir });
    const reports: [number, number][] = [];
    const uploaded = await uploadPartitions(outDir, container, '/runs/oj-train/', {
      concurrency: 3,
      onProgress: (done, total) => reports.push([done, total]),
    });
    expect(uploaded).toEqual(index);
    // One report per partition, counting up to all of them.
    expect(reports).toEqual(index.partitions.map((_, i) => [i + 1, index.partitions.length]));

    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'runs/oj-train/' })) names.push(blob.name);
    expect(names.sort()).toEqual(
      ['_partitions.json', ...index.partitions.map((p) => p.path)].map((p) => `runs/oj-train/${p}`).sort(),
    );
    for (const p of index.partitions) {
      const bytes = await container.getBlockBlobClient(`runs/oj-train/${p.path}`).downloadToBuffer();
      expect(bytes.equals(readFileSync(path.join(outDir, p.path)))).toBe(true);
      expect(bytes.length).toBe(p.bytes);
    }
    const stored = await container.getBlockBlobClient('runs/oj-train/_partitions.json').downloadToBuffer();
    expect(partitionIndexSchema.parse(JSON.parse(stored.toString('utf8')))).toEqual(index);
  });

  it('refuses a folder without a partition index', async () => {
    const error = await uploadPartitions(work, container, 'nothing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(
      /_partitions\.json is missing: not a complete partition folder$/,
    );
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'nothing' })) names.push(blob.name);
    expect(names).toEqual([]);
  });
});
