import type { InputLayout } from '../runtime/formats/FormatPorts';

/** A job's input as planning found it: its partitions, its version and what the model may read. */
export interface JobInputLayout extends InputLayout {
  /** The file's ETag; empty for a folder of images (each partition pins its images' versions). */
  readonly etag: string;
  readonly bytes: number;
  /** Columns whose sampled values are numbers (none for images). */
  readonly numericColumns: readonly string[];
}
