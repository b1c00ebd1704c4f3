import { z } from 'zod';
import { ValidationError } from '../../errors';

/** The partitioner's `_partitions.json`: one CSV (header included) per key under the data set's prefix. */
const manifestSchema = z.looseObject({
  keys: z.array(z.string().min(1)).min(1),
  header: z.array(z.string()).optional(),
  partitions: z.array(
    z.looseObject({
      key: z.record(z.string(), z.string()),
      path: z.string().min(1),
      rows: z.number().int().nonnegative().optional(),
      bytes: z.number().int().nonnegative().optional(),
    }),
  ),
});

export type PartitionsManifest = z.infer<typeof manifestSchema>;

/** One key's partition, as the training steps pass it along. */
export interface KeyPartition {
  readonly key: Readonly<Record<string, string>>;
  /** Relative to the data set's prefix, e.g. `Store=2/Brand=dominicks.csv`. */
  readonly path: string;
  readonly rows?: number;
}

export const manifestFile = '_partitions.json';

/** Parses `_partitions.json`; a bad file is a ValidationError naming it and the field. */
export function parsePartitionsManifest(text: string, file: string): PartitionsManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${file} is not JSON: ${(error as Error).message}`, { file });
  }
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.');
  throw new ValidationError(`${file} field "${field}": ${issue?.message ?? 'invalid'}`, { file, field });
}

/** `Store=2/Brand=dominicks`: a key as the partitioner names it (values URI-encoded). */
export function keyLabel(key: Readonly<Record<string, string>>, keys: readonly string[]): string {
  return keys.map((name) => `${name}=${encodeURIComponent(key[name] ?? '')}`).join('/');
}

/**
 * The manifest's partitions, or only those of the requested keys (a rerun of failed keys); a requested
 * key the data set does not have is a ValidationError.
 */
export function selectPartitions(
  manifest: PartitionsManifest,
  wanted: readonly Readonly<Record<string, string>>[] | undefined,
  file: string,
): KeyPartition[] {
  const all = manifest.partitions.map(({ key, path, rows }) => ({
    key,
    path,
    ...(rows === undefined ? {} : { rows }),
  }));
  if (wanted === undefined) return all;
  const byLabel = new Map(all.map((partition) => [keyLabel(partition.key, manifest.keys), partition]));
  return wanted.map((key) => {
    const found = byLabel.get(keyLabel(key, manifest.keys));
    if (!found)
      throw new ValidationError(`${file} has no partition for key ${keyLabel(key, manifest.keys)}`, {
        field: 'keys',
      });
    return found;
  });
}
