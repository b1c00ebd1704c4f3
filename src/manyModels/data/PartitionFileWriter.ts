import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One key's output file and the rows waiting to be appended to it. */
interface PartitionFile {
  readonly relativePath: string;
  rows: number;
  /** Bytes in the file once everything is flushed, header included. */
  bytes: number;
  buffer: Buffer | undefined;
  used: number;
  created: boolean;
}

export interface WrittenPartition {
  readonly keyId: number;
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

const FIRST_BUFFER_BYTES = 4096;
const SHORT_RECORD_BYTES = 256;
/** Appends in flight at once: enough to overlap file system latency, few enough for any fd limit. */
const FLUSH_CONCURRENCY = 16;

/**
 * Collects records per key in growable buffers and appends them to one file per key, header first.
 * Buffered bytes (buffer capacity, not just content) are bounded: once they pass the budget, the
 * fullest buffers are appended to their files and released until half the budget is free. Each byte is
 * written once, in input order per key; an infinite budget keeps everything in memory until finish().
 */
export class PartitionFileWriter {
  /** By key id (dense, from 0). */
  private readonly files: PartitionFile[] = [];
  private readonly createdDirs = new Set<string>();
  private buffered = 0;

  constructor(
    private readonly outDir: string,
    private readonly header: Buffer,
    private readonly memoryBudgetBytes: number,
  ) {}

  get overBudget(): boolean {
    return this.buffered > this.memoryBudgetBytes;
  }

  /** Queues bytes[start, end) (one record) for the key's file; `pathOf` is called for a new key only. */
  add(keyId: number, pathOf: (keyId: number) => string, bytes: Buffer, start: number, end: number): void {
    let file = this.files[keyId];
    if (file === undefined) {
      file = { relativePath: pathOf(keyId), rows: 0, bytes: 0, buffer: undefined, used: 0, created: false };
      this.files[keyId] = file;
    }
    const length = end - start;
    const needed = file.used + length;
    if (file.buffer === undefined || needed > file.buffer.length) this.grow(file, needed);
    const target = file.buffer!;
    // A plain loop beats Buffer#copy (which allocates a view per call) for records this short.
    if (length <= SHORT_RECORD_BYTES)
      for (let i = 0, o = file.used; i < length; i++) target[o + i] = bytes[start + i]!;
    else bytes.copy(target, file.used, start, end);
    file.used = needed;
    file.rows += 1;
    file.bytes += length;
  }

  /** Appends the fullest buffers to their files until at most half the budget stays buffered. */
  async relieve(): Promise<void> {
    const target = this.memoryBudgetBytes / 2;
    const fullest = this.files.filter((f) => f.used > 0).sort((a, b) => b.used - a.used);
    let remaining = this.buffered;
    const chosen: PartitionFile[] = [];
    for (const file of fullest) {
      if (remaining <= target) break;
      remaining -= file.buffer!.length;
      chosen.push(file);
    }
    await this.flushAll(chosen);
  }

  /** Flushes everything and returns every key's file. */
  async finish(): Promise<WrittenPartition[]> {
    await this.flushAll(this.files.filter((f) => f.used > 0 || !f.created));
    return this.files.map((f, keyId) => ({
      keyId,
      path: f.relativePath,
      rows: f.rows,
      bytes: f.bytes + this.header.length,
    }));
  }

  private grow(file: PartitionFile, needed: number): void {
    const old = file.buffer;
    let size = Math.max(FIRST_BUFFER_BYTES, (old?.length ?? 0) * 2);
    while (size < needed) size *= 2;
    const buffer = Buffer.allocUnsafe(size);
    if (old !== undefined) old.copy(buffer, 0, 0, file.used);
    this.buffered += size - (old?.length ?? 0);
    file.buffer = buffer;
  }

  private async flushAll(files: PartitionFile[]): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) await this.flush(files[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(FLUSH_CONCURRENCY, files.length) }, worker));
  }

  private async flush(file: PartitionFile): Promise<void> {
    const target = path.join(this.outDir, file.relativePath);
    const rows = file.buffer?.subarray(0, file.used) ?? Buffer.alloc(0);
    if (file.created) {
      await writeFile(target, rows, { flag: 'a' });
    } else {
      await this.ensureDir(path.dirname(target));
      // 'wx': never clobber a file that is not ours.
      await writeFile(target, Buffer.concat([this.header, rows]), { flag: 'wx' });
      file.created = true;
    }
    this.buffered -= file.buffer?.length ?? 0;
    file.buffer = undefined;
    file.used = 0;
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.createdDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.createdDirs.add(dir);
  }
}
