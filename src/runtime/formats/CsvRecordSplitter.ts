import { LF, CR } from './CsvFieldScanner';
import type { CsvSyntax } from './CsvOptions';

const UNQUOTED = 0;
const QUOTED = 1;
/** A quote inside a quoted field: either the closing quote or the first of a doubled quote. */
const QUOTE_SEEN = 2;

/** Called at the end of each record with the offset just past it; blank lines are flagged. */
export type RecordEndHandler = (end: number, blank: boolean) => void;

/**
 * Finds record ends in a CSV byte stream fed chunk by chunk, with the same quoting rules as
 * CsvFieldScanner (a quote opens a field only right after a delimiter or a line end), so that newlines
 * inside quoted fields never end a record. State carries across chunks; memory use is constant.
 */
export class CsvRecordSplitter {
  private state = UNQUOTED;
  /** The byte before the next one; a line end at the start of the input. */
  private previous = LF;

  constructor(
    private readonly syntax: CsvSyntax,
    private recordStart: number,
    private readonly onRecordEnd: RecordEndHandler,
  ) {}

  /** Feeds chunk[from..] whose first byte is at file offset `offset + from`. */
  feed(chunk: Buffer, offset: number, from = 0): void {
    if (this.state === UNQUOTED && from < chunk.length && chunk.indexOf(this.syntax.quote, from) < 0) {
      this.feedUnquoted(chunk, offset, from);
      return;
    }
    const { delimiter, quote } = this.syntax;
    let state = this.state;
    let previous = this.previous;
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (state === UNQUOTED) {
        if (c === LF) this.endRecord(offset + i, previous);
        else if (c === quote && (previous === delimiter || previous === LF)) state = QUOTED;
      } else if (state === QUOTED) {
        if (c === quote) state = QUOTE_SEEN;
      } else if (c === quote) {
        state = QUOTED;
      } else {
        state = UNQUOTED;
        if (c === LF) this.endRecord(offset + i, previous);
      }
      previous = c;
    }
    this.state = state;
    this.previous = previous;
  }

  /** A chunk without quotes (the common case): only line feeds matter, found by the native indexOf. */
  private feedUnquoted(chunk: Buffer, offset: number, from: number): void {
    const previous = this.previous;
    for (let i = from; ;) {
      const lineFeed = chunk.indexOf(LF, i);
      if (lineFeed < 0) break;
      this.endRecord(offset + lineFeed, lineFeed > from ? chunk[lineFeed - 1]! : previous);
      i = lineFeed + 1;
    }
    this.previous = chunk[chunk.length - 1]!;
  }

  /** Ends the last record at the end of the input (a file need not end with a line end). */
  finish(totalBytes: number): void {
    if (this.recordStart >= totalBytes) return;
    const length = totalBytes - this.recordStart;
    this.onRecordEnd(totalBytes, length === 1 && this.previous === CR);
    this.recordStart = totalBytes;
  }

  private endRecord(lineFeed: number, previous: number): void {
    const length = lineFeed - this.recordStart;
    this.recordStart = lineFeed + 1;
    this.onRecordEnd(lineFeed + 1, length === 0 || (length === 1 && previous === CR));
  }
}
