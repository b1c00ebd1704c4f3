import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { loadAppFolder } from '../host/app/loadAppFolder';
import { isParquetFile, partitionFileByKeys } from '../manyModels/data/partitionCsvByKeys';
import { uploadPartitions } from '../manyModels/data/uploadPartitions';
import { dataConnectionName } from '../config';
import { resolveStorageAccount } from '../storage/resolveStorageAccount';
import { StorageClients } from '../storage/StorageClients';

interface PartitionOptions {
  by: string;
  out?: string;
  upload?: string;
  memory: string;
}

/**
 * `durable-scoring partition <file> --by Store,Brand [--out dir] [--upload container/prefix]`: the
 * many-models data step on the command line (partitionFileByKeys, then uploadPartitions).
 */
export function partitionCommand(): Command {
  return new Command('partition')
    .description(
      'Split a CSV or Parquet file by key columns into one CSV per key with a _partitions.json index (the dataset trainMany reads), and optionally upload them to blob storage.',
    )
    .argument('<file>', 'data file: .csv or .parquet')
    .argument('[appDir]', 'function app folder (its settings name the storage account, for --upload)', '.')
    .requiredOption('--by <columns>', 'key columns, comma-separated (e.g. Store,Brand)')
    .option(
      '--out <dir>',
      'folder for the partitions, created and empty (default: <file>.partitions, or a temporary folder with --upload)',
    )
    .option(
      '--upload <container/prefix>',
      'copy the partitions to this container and blob prefix, e.g. sales/oj',
    )
    .option('--memory <MiB>', 'rows held in memory before the fullest partitions are written out', '256')
    .action((file: string, appDir: string, options: PartitionOptions) => runPartition(file, appDir, options));
}

async function runPartition(file: string, appDir: string, options: PartitionOptions): Promise<void> {
  const keys = options.by
    .split(',')
    .map((column) => column.trim())
    .filter((column) => column !== '');
  const memoryMiB = Number(options.memory);
  if (!(memoryMiB > 0)) throw new Error(`--memory ${options.memory} is not a positive number of MiB.`);
  const target = options.upload === undefined ? undefined : uploadTarget(options.upload);
  // Read the settings before the long part: a missing connection setting fails at once.
  const storage = target === undefined ? undefined : storageOf(appDir);
  const outDir =
    options.out ??
    (target === undefined ? `${file}.partitions` : await mkdtemp(path.join(os.tmpdir(), 'partitions-')));
  const temporary = options.out === undefined && target !== undefined;
  try {
    const size = (await stat(file).catch(() => undefined))?.size;
    console.log(
      `Partitioning ${file}${size === undefined ? '' : ` (${mebibytes(size)})`} by ${keys.join(', ')}…`,
    );
    let started = performance.now();
    const parquet = isParquetFile(file);
    const reading = progressBar(
      parquet ? 'Reading {rows} rows' : 'Reading [{bar}] {percentage}% | {rows} rows',
      parquet || size === undefined ? 0 : size,
    );
    const index = await partitionFileByKeys(file, {
      keys,
      outDir,
      memoryBudgetBytes: memoryMiB * 2 ** 20,
      onProgress: ({ rows, bytes }) => reading.update(parquet ? 0 : bytes, { rows }),
    }).finally(() => reading.stop());
    const bytes = index.partitions.reduce((sum, p) => sum + p.bytes, 0);
    console.log(
      `Partitioned ${index.source.rows} rows into ${index.partitions.length} keys (${mebibytes(bytes)}) in ` +
        `${seconds(started)}${temporary ? '' : `: ${outDir}`}`,
    );
    if (target === undefined || storage === undefined) return;
    started = performance.now();
    const container = await storage.ensureContainer(target.container);
    const uploading = progressBar('Uploading [{bar}] {value}/{total} partitions', index.partitions.length);
    await uploadPartitions(outDir, container, target.prefix, {
      onProgress: (uploaded) => uploading.update(uploaded),
    }).finally(() => uploading.stop());
    console.log(
      `Uploaded ${index.partitions.length} partitions and _partitions.json to ${target.container}/${target.prefix} in ${seconds(started)}`,
    );
    console.log(
      `Train one model per key: POST /api/many-models/train with ` +
        JSON.stringify({ dataset: { container: target.container, prefix: target.prefix } }) +
        ' plus model, target and time (docs/many-models.md)',
    );
  } finally {
    if (temporary) await rm(outDir, { recursive: true, force: true });
  }
}

/** A progress bar on stderr (drawn on a terminal only); `total` 0 for a counter without a bar. */
function progressBar(format: string, total: number): SingleBar {
  const bar = new SingleBar(
    { format, hideCursor: true, stream: process.stderr, etaBuffer: 50 },
    Presets.shades_classic,
  );
  bar.start(total, 0, { rows: 0 });
  return bar;
}

function uploadTarget(value: string): { container: string; prefix: string } {
  const [container = '', ...rest] = value.replace(/^\/+|\/+$/g, '').split('/');
  const prefix = rest.join('/');
  if (container === '' || prefix === '')
    throw new Error(`--upload ${value}: give a container and a blob prefix, e.g. sales/oj.`);
  return { container, prefix };
}

function storageOf(appDir: string): StorageClients {
  const app = loadAppFolder(appDir);
  // Partitions are the app's data: DATA_STORAGE when the app has a data account, else AzureWebJobsStorage.
  const environment = { ...app.localValues, ...process.env };
  return new StorageClients(resolveStorageAccount(environment, dataConnectionName(environment)));
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
