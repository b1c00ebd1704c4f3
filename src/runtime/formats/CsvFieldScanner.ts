import type { CsvSyntax } from './CsvOptions';
import { POWERS_OF_TEN } from './parseDecimal';

export const LF = 0x0a;
export const CR = 0x0d;

/** The field was quoted; start/end exclude the quotes. */
export const QUOTED = 1;
/** The quoted field holds doubled quotes that must be unescaped. */
export const ESCAPED_QUOTE = 2;
/** The quote never closed: the field runs to the end of the bytes. */
export const UNTERMINATED = 4;
/** Text follows the closing quote before the delimiter (`"ab"c`); it is dropped from the value. */
export const TEXT_AFTER_QUOTE = 8;

/**
 * Walks the fields of RFC 4180 records in a byte buffer. A quote opens a quoted field only at the start
 * of a field; elsewhere it is a literal byte. Records end at LF (a CR before it is dropped) or at the
 * end of the bytes. planCsvPartitions follows the same rules so that both agree on where records end.
 */
export class CsvFieldScanner {
  /** Where the next field starts. */
  pos = 0;
  /** Content of the last field scanned: bytes[start, end). */
  start = 0;
  end = 0;
  flags = 0;
  /** What nextNumeric() read; NaN when its fast path could not tell (parseDecimal then decides). */
  value = NaN;
  private readonly delimiter: number;
  private readonly quote: number;

  constructor(
    private readonly bytes: Buffer,
    syntax: CsvSyntax,
  ) {
    this.delimiter = syntax.delimiter;
    this.quote = syntax.quote;
  }

  /** True when bytes[pos] is an empty line (LF, CRLF, or a CR at the very end), which is skipped. */
  skipBlankLine(): boolean {
    const b = this.bytes;
    const c = b[this.pos];
    if (c === LF) {
      this.pos += 1;
      return true;
    }
    if (c === CR && (this.pos + 1 === b.length || b[this.pos + 1] === LF)) {
      this.pos += 2;
      return true;
    }
    return false;
  }

  /** Scans the field at `pos` and moves past its terminator; returns true when the field ends its record. */
  next(): boolean {
    const b = this.bytes;
    const n = b.length;
    const delimiter = this.delimiter;
    let i = this.pos;
    this.flags = 0;
    if (i < n && b[i] === this.quote) return this.quoted(i + 1);
    this.start = i;
    for (; i < n; i++) {
      const c = b[i];
      if (c === delimiter) {
        this.end = i;
        this.pos = i + 1;
        return false;
      }
      if (c === LF) break;
    }
    this.end = i > this.start && b[i - 1] === CR ? i - 1 : i;
    this.pos = i + 1;
    return true;
  }

  /**
   * Like next(), for a field expected to hold a number: a plain decimal (`[-]digits[.digits]`, at most
   * 15 digits) is read during the scan, with the same result as parseDecimal. Anything else (quotes,
   * blanks, exponents, junk) is scanned by next() and leaves `value` NaN.
   */
  nextNumeric(): boolean {
    const b = this.bytes;
    const n = b.length;
    const start = this.pos;
    let i = start;
    this.value = NaN;
    const negative = b[i] === 0x2d;
    if (negative) i++;
    const digitsStart = i;
    let mantissa = 0;
    let point = -1;
    for (; i < n; i++) {
      const c = b[i]!;
      const digit = c - 0x30;
      if (digit >= 0 && digit <= 9) mantissa = mantissa * 10 + digit;
      else if (c === 0x2e && point < 0) point = i;
      else break;
    }
    const c = i < n ? b[i]! : LF;
    const lineEnd = c === LF || (c === CR && (i + 1 === n || b[i + 1] === LF));
    if (!lineEnd && c !== this.delimiter) return this.next();
    const digits = i - digitsStart - (point >= 0 ? 1 : 0);
    if (digits > 0 && digits <= 15) {
      const fraction = point >= 0 ? i - point - 1 : 0;
      const magnitude = fraction === 0 ? mantissa : mantissa / POWERS_OF_TEN[fraction]!;
      this.value = negative ? -magnitude : magnitude;
    }
    this.flags = 0;
    this.start = start;
    this.end = i;
    this.pos = c === CR ? i + 2 : i + 1;
    return lineEnd;
  }

  private quoted(contentStart: number): boolean {
    const b = this.bytes;
    const quote = this.quote;
    this.flags = QUOTED;
    this.start = contentStart;
    let i = contentStart;
    for (;;) {
      const close = b.indexOf(quote, i);
      if (close < 0) {
        this.flags |= UNTERMINATED;
        this.end = b.length;
        this.pos = b.length;
        return true;
      }
      if (b[close + 1] === quote) {
        this.flags |= ESCAPED_QUOTE;
        i = close + 2;
        continue;
      }
      this.end = close;
      return this.afterClosingQuote(close + 1);
    }
  }

  private afterClosingQuote(from: number): boolean {
    const b = this.bytes;
    const n = b.length;
    let i = from;
    if (b[i] === CR && (i + 1 === n || b[i + 1] === LF)) i++;
    if (i >= n || b[i] === LF) {
      this.pos = i + 1;
      return true;
    }
    if (b[i] === this.delimiter) {
      this.pos = i + 1;
      return false;
    }
    this.flags |= TEXT_AFTER_QUOTE;
    for (; i < n; i++) {
      const c = b[i];
      if (c === this.delimiter) {
        this.pos = i + 1;
        return false;
      }
      if (c === LF) break;
    }
    this.pos = i + 1;
    return true;
  }
}
