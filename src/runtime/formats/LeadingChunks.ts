import { ValidationError } from '../../errors';

/** Past this size the first record is not what the format claims; keeping more could exhaust memory. */
const MAX_FIRST_RECORD_BYTES = 16 * 1024 * 1024;

/** Copies of the first chunks of a stream, kept until the planner has seen the first record whole. */
export class LeadingChunks {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(chunk: Buffer): void {
    // Copied: a stream may reuse its buffers.
    this.chunks.push(Buffer.from(chunk));
    this.size += chunk.length;
  }

  /** Called while the first record is still open: it may not grow without bound. */
  checkOpenRecord(): void {
    if (this.size > MAX_FIRST_RECORD_BYTES) {
      throw new ValidationError(`the first record is longer than ${MAX_FIRST_RECORD_BYTES} bytes`);
    }
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
