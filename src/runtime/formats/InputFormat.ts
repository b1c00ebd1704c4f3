import { ValidationError } from '../../errors';

export const inputFormats = ['csv', 'jsonl', 'parquet'] as const;
export type InputFormat = (typeof inputFormats)[number];

/** What a job reads: one file in a table format, or a folder (blob prefix) of images. */
export const jobInputFormats = [...inputFormats, 'images'] as const;
export type JobInputFormat = (typeof jobInputFormats)[number];

/** The table format of a job's input; image inputs have none (their jobs never ask). */
export function tableFormatOf(format: JobInputFormat): InputFormat {
  if (format === 'images') throw new Error('An image input has no table format');
  return format;
}

/** The format a blob's name says (`.csv`/`.txt`, `.jsonl`/`.ndjson`/`.json`, `.parquet`), or undefined. */
export function formatOfName(name: string): InputFormat | undefined {
  const extension = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'txt') return 'csv';
  if (extension === 'jsonl' || extension === 'ndjson' || extension === 'json') return 'jsonl';
  if (extension === 'parquet') return 'parquet';
  return undefined;
}

/** The format of `name`, or a ValidationError on `field` saying how to name it. */
export function requireFormatOfName(name: string, field: string): InputFormat {
  const format = formatOfName(name);
  if (format) return format;
  throw new ValidationError(
    `Cannot tell the format of "${name.slice(0, 200)}": name it .csv, .jsonl or .parquet, or set ${field}.`,
    { field },
  );
}
