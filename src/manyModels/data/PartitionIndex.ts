import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../errors';

/** The file that describes a partitioned data set; written last, so its presence means "complete". */
export const PARTITION_INDEX_FILE = '_partitions.json';

const partitionSchema = z.object({
  /** Key column → value, as text exactly as in the source. */
  key: z.record(z.string(), z.string()),
  /** Relative to the folder or blob prefix: `<k1>=<v1>/<k2>=<v2>.csv`, values encodeURIComponent-ed. */
  path: z.string().min(1),
  rows: z.number().int().nonnegative(),
  /** Size of the partition's file, header included. */
  bytes: z.number().int().nonnegative(),
});

export const partitionIndexSchema = z.object({
  keys: z.array(z.string().min(1)).min(1),
  header: z.array(z.string()),
  /** Sorted by key (see comparePartitionKeys). */
  partitions: z.array(partitionSchema),
  source: z.object({
    name: z.string(),
    rows: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

export type PartitionIndex = z.infer<typeof partitionIndexSchema>;
export type PartitionEntry = z.infer<typeof partitionSchema>;

/** `Store=2/Brand=minute.maid.csv` for keys [Store, Brand] and values [2, minute.maid]. */
export function partitionPath(keys: readonly string[], values: readonly string[]): string {
  const parts = keys.map((key, i) => `${key}=${encodeURIComponent(values[i]!)}`);
  return `${parts.join('/')}.csv`;
}

/**
 * Orders keys column by column: two numbers numerically (Store 2 before Store 10), anything else by
 * UTF-16 code units, so the order never depends on the machine's locale.
 */
export function comparePartitionKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (x.trim() !== '' && y.trim() !== '' && Number.isFinite(nx) && Number.isFinite(ny) && nx !== ny) {
      return nx - ny;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Reads and checks `_partitions.json` of a local partition folder. */
export async function readPartitionIndex(outDir: string): Promise<PartitionIndex> {
  const file = path.join(outDir, PARTITION_INDEX_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new NotFoundError(`${file} is missing: not a complete partition folder`);
  });
  const parsed = partitionIndexSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ValidationError(`${file} is not a partition index: ${parsed.error.message}`, { file });
  }
  return parsed.data;
}
