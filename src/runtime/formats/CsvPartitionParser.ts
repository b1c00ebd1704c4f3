import { isUtf8 } from 'node:buffer';
import type { RowError } from './ScoringBatch';
import { BatchBuilder } from './BatchBuilder';
import { CsvFieldScanner, ESCAPED_QUOTE, TEXT_AFTER_QUOTE, UNTERMINATED } from './CsvFieldScanner';
import type { CsvSyntax } from './CsvOptions';
import { describeValue } from './describeValue';
import type { ColumnSlots } from './mapSchemaColumns';
import { fitsFloat32, parseDecimal } from './parseDecimal';

const QUOTE_ERRORS = UNTERMINATED | TEXT_AFTER_QUOTE;

/**
 * Parses the records of one CSV partition straight from bytes: feature fields are read as numbers
 * without building strings, pass-through fields are decoded only for good rows. Each bad row becomes
 * one RowError, by precedence: quoting, invalid UTF-8, field count, then the first bad value.
 */
export class CsvPartitionParser {
  readonly batch: BatchBuilder;
  private readonly scanner: CsvFieldScanner;
  /** Checked once for the whole partition; per record only when that fails. */
  private readonly allUtf8: boolean;
  private readonly quote: string;
  private readonly passStart: Int32Array;
  private readonly passEnd: Int32Array;
  private readonly passFlags: Int32Array;

  constructor(
    private readonly bytes: Buffer,
    private readonly header: readonly string[],
    private readonly slots: ColumnSlots,
    private readonly syntax: CsvSyntax,
    counts: { features: number; passThrough: number; rows: number },
  ) {
    this.batch = new BatchBuilder(counts.features, counts.passThrough, counts.rows);
    this.scanner = new CsvFieldScanner(bytes, syntax);
    this.allUtf8 = isUtf8(bytes);
    this.quote = String.fromCharCode(syntax.quote);
    this.passStart = new Int32Array(counts.passThrough);
    this.passEnd = new Int32Array(counts.passThrough);
    this.passFlags = new Int32Array(counts.passThrough);
  }

  /** Parses every record; returns how many there were (blank lines are not records). */
  parseAll(firstRow: number): number {
    const scanner = this.scanner;
    const length = this.bytes.length;
    let row = firstRow;
    while (scanner.pos < length) {
      if (!scanner.skipBlankLine()) this.parseRecord(row++);
    }
    return row - firstRow;
  }

  private parseRecord(row: number): void {
    const scanner = this.scanner;
    const { featureSlot, passThroughSlot } = this.slots;
    const columnCount = this.header.length;
    const recordStart = scanner.pos;
    const offset = this.batch.nextRowOffset();
    const features = this.batch.features;
    let valueError: RowError | undefined;
    let quoteError: RowError | undefined;
    let column = 0;
    for (let last = false; !last; column++) {
      const feature = column < columnCount ? featureSlot[column]! : -1;
      if (feature >= 0) {
        last = scanner.nextNumeric();
        const value = scanner.value;
        // NaN: not a plain decimal, or not a number at all; readFeature tells which.
        if (!Number.isNaN(value)) features[offset + feature] = value;
        else valueError ??= this.readFeature(features, offset + feature, column, row);
      } else {
        last = scanner.next();
      }
      if (column < columnCount) {
        const passThrough = passThroughSlot[column]!;
        if (passThrough >= 0) this.keepPassThrough(passThrough);
      }
      if (scanner.flags & QUOTE_ERRORS) quoteError ??= this.quoteError(column, row);
    }
    const error =
      quoteError ?? this.utf8Error(recordStart, row) ?? this.countError(column, row) ?? valueError;
    if (error) {
      this.batch.rejectRow(error);
    } else {
      this.acceptPassThrough();
      this.batch.acceptRow(row);
    }
  }

  private readFeature(
    features: Float32Array,
    index: number,
    column: number,
    row: number,
  ): RowError | undefined {
    const { start, end } = this.scanner;
    const value = parseDecimal(this.bytes, start, end);
    if (fitsFloat32(value)) {
      features[index] = value;
      return undefined;
    }
    const text = this.bytes.toString('utf8', start, end);
    const field = this.header[column]!;
    if (text.trim() === '') return { row, field, reason: 'empty value' };
    if (Number.isNaN(value)) return { row, field, reason: `not a number: ${describeValue(text)}` };
    return { row, field, reason: `out of float32 range: ${describeValue(text)}` };
  }

  private keepPassThrough(slot: number): void {
    this.passStart[slot] = this.scanner.start;
    this.passEnd[slot] = this.scanner.end;
    this.passFlags[slot] = this.scanner.flags;
  }

  private acceptPassThrough(): void {
    const quote = this.quote;
    for (let slot = 0; slot < this.passStart.length; slot++) {
      const text = this.bytes.toString('utf8', this.passStart[slot], this.passEnd[slot]);
      const escaped = this.passFlags[slot]! & ESCAPED_QUOTE;
      this.batch.passThroughValue(slot, escaped ? text.replaceAll(quote + quote, quote) : text);
    }
  }

  private quoteError(column: number, row: number): RowError {
    const field = this.fieldName(column);
    if (this.scanner.flags & UNTERMINATED) return { row, field, reason: 'unterminated quoted field' };
    return { row, field, reason: 'unexpected text after the closing quote' };
  }

  private countError(found: number, row: number): RowError | undefined {
    const expected = this.header.length;
    if (found === expected) return undefined;
    const reason = `${found < expected ? 'too few' : 'too many'} fields: expected ${expected}, found ${found}`;
    return found < expected ? { row, field: this.header[found], reason } : { row, reason };
  }

  private utf8Error(recordStart: number, row: number): RowError | undefined {
    if (this.allUtf8 || isUtf8(this.bytes.subarray(recordStart, this.scanner.pos))) return undefined;
    // Rare: scan the record again to name the field holding the bad bytes.
    const scanner = new CsvFieldScanner(this.bytes, this.syntax);
    scanner.pos = recordStart;
    for (let column = 0, last = false; !last; column++) {
      last = scanner.next();
      if (!isUtf8(this.bytes.subarray(scanner.start, scanner.end))) {
        return { row, field: this.fieldName(column), reason: 'invalid UTF-8 bytes' };
      }
    }
    return { row, reason: 'invalid UTF-8 bytes' };
  }

  private fieldName(column: number): string {
    return this.header[column] ?? `column ${column + 1}`;
  }
}
