import type { Partition } from './ScoringBatch';
import { ValidationError } from '../../errors';

/**
 * Groups records into byte-range partitions while a planner streams through a file. A partition closes
 * right after the record that brings it to the target size, so the cut depends only on byte offsets
 * (never on how the input was chunked) and each partition holds at least one row.
 */
export class PartitionBuilder {
  totalRows = 0;
  private readonly partitions: Partition[] = [];
  private start: number;
  private rows = 0;

  constructor(
    dataStart: number,
    private readonly targetBytes: number,
  ) {
    if (!(targetBytes >= 1)) {
      throw new ValidationError(`the target partition size must be at least 1 byte, got ${targetBytes}`, {
        field: 'targetPartitionBytes',
      });
    }
    this.start = dataStart;
  }

  /** A record ended just before `end`; blank lines are not rows and never close a partition. */
  record(end: number, blank: boolean): void {
    if (blank) return;
    this.rows += 1;
    if (end - this.start >= this.targetBytes) this.close(end);
  }

  /** Closes the last partition at the end of the input; trailing blank lines join the partition before them. */
  finish(totalBytes: number): Partition[] {
    if (this.rows > 0) {
      this.close(totalBytes);
    } else {
      const last = this.partitions.pop();
      if (last) this.partitions.push({ ...last, end: totalBytes });
    }
    return this.partitions;
  }

  private close(end: number): void {
    const firstRow = this.totalRows + 1;
    this.partitions.push({
      index: this.partitions.length,
      start: this.start,
      end,
      firstRow,
      rows: this.rows,
    });
    this.totalRows += this.rows;
    this.start = end;
    this.rows = 0;
  }
}

/** What a planner found in one pass over a text file. */
export interface PartitionPlan {
  /** CSV: the header's column names; JSON Lines: the first record's fields. */
  readonly header: string[];
  readonly partitions: Partition[];
  readonly totalRows: number;
}

/**
 * The byte target that cuts `bytes` into as many partitions as `maxBytes` asks for, all about the same
 * size: 45 MB at 32 MiB becomes two partitions of 22 MB rather than 32 + 13, so they finish together.
 */
export function evenPartitionBytes(bytes: number, maxBytes: number): number {
  const count = Math.max(1, Math.ceil(bytes / maxBytes));
  return Math.max(1, Math.ceil(bytes / count));
}
