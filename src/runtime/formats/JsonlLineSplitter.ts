import type { RecordEndHandler } from './CsvRecordSplitter';
import { firstNonBlank } from './firstNonBlank';

const LF = 0x0a;

/** Finds line ends in a JSON Lines byte stream fed chunk by chunk; lines of blanks only are flagged. */
export class JsonlLineSplitter {
  private hasContent = false;
  private pendingBytes = false;

  constructor(private readonly onLineEnd: RecordEndHandler) {}

  /** Feeds chunk[from..] whose first byte is at file offset `offset + from`. */
  feed(chunk: Buffer, offset: number, from = 0): void {
    let i = from;
    while (i < chunk.length) {
      const lineFeed = chunk.indexOf(LF, i);
      const segmentEnd = lineFeed < 0 ? chunk.length : lineFeed;
      // Usually decided by the first byte of the line ('{').
      if (!this.hasContent) this.hasContent = firstNonBlank(chunk, i, segmentEnd) >= 0;
      if (lineFeed < 0) {
        this.pendingBytes = true;
        return;
      }
      this.onLineEnd(offset + lineFeed + 1, !this.hasContent);
      this.hasContent = false;
      this.pendingBytes = false;
      i = lineFeed + 1;
    }
  }

  /** Ends the last line at the end of the input (a file need not end with a line feed). */
  finish(totalBytes: number): void {
    if (this.pendingBytes) this.onLineEnd(totalBytes, !this.hasContent);
    this.pendingBytes = false;
  }
}
