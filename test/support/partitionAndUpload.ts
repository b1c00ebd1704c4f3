import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import type { PartitionIndex } from '../../src/manyModels/data/PartitionIndex';
import { partitionFileByKeys } from '../../src/manyModels/data/partitionCsvByKeys';
import { uploadPartitions } from '../../src/manyModels/data/uploadPartitions';

/**
 * A data set laid out as a user lays it out: CSV text partitioned by the real partitioner (through a
 * temporary file) and uploaded with its `_partitions.json` under `prefix`.
 */
export async function partitionAndUpload(
  csv: string,
  keys: readonly string[],
  container: ContainerClient,
  prefix: string,
): Promise<PartitionIndex> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'partition-upload-'));
  try {
    const file = path.join(work, `${prefix.replace(/\W/g, '_')}.csv`);
    writeFileSync(file, csv);
    const outDir = path.join(work, 'parts');
    await partitionFileByKeys(file, { keys, outDir });
    return await uploadPartitions(outDir, container, prefix);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
