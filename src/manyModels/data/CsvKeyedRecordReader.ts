import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../errors';
import { CsvFieldScanner, ESCAPED_QUOTE, UNTERMINATED } from '../../runtime/formats/CsvFieldScanner';
import type { CsvSyntax } from '../../runtime/formats/CsvOptions';
import { CsvRecordSplitter } from '../../runtime/formats/CsvRecordSplitter';
import { readCsvHeader } from '../../runtime/formats/readCsvHeader';
import { byteOrderMarkLength } from '../../runtime/formats/withLeadingBytes';
import { KeyTable } from './KeyTable';

/**
 * Receives each data record: `keyId` numbers its key from 0 (equal ids ⇔ equal key values), and the
 * record's bytes are bytes[start, end), line end included. The bytes are only valid during the call.
 */
export type KeyedRecordHandler = (keyId: number, bytes: Buffer, start: number, end: number) => void;

export interface CsvKeyedHeader {
  readonly columns: string[];
  /** The header line as in the file (without a byte order mark), ending with a line end. */
  readonly line: Buffer;
  /** The header's line end, used to end a last record that has none. */
  readonly lineEnd: Buffer;
}

const LF = Buffer.from('\n');
const CRLF = Buffer.from('\r\n');

/**
 * Splits a CSV byte stream, fed chunk by chunk, into records and reads only what partitioning needs
 * from each: its key and its field count (ragged rows are errors, not silently dropped or padded).
 * Keys are matched on raw bytes (KeyTable), so text is decoded once per key, not once per row.
 */
export class CsvKeyedRecordReader {
  header: CsvKeyedHeader | undefined;
  /** Data records seen (blank lines are not records). */
  rows = 0;
  /** Column index of each key, in the order of `keys`. */
  private keyIndexes: number[] = [];
  /** The key columns in file order, and which slot of `keys` each fills: one pass over the fields reads them. */
  private keyFields: number[] = [];
  private keySlots: number[] = [];
  private readonly keyTable = new KeyTable();
  /** Where the key fields of the current record are (file order). */
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private carry: Buffer | undefined;
  private offset = 0;
  private lastRecordEnd = 0;
  private readonly splitter: CsvRecordSplitter;
  private readonly quote: string;

  constructor(
    private readonly file: string,
    private readonly keys: readonly string[],
    private readonly syntax: CsvSyntax,
    private readonly onRecord: KeyedRecordHandler,
  ) {
    this.splitter = new CsvRecordSplitter(syntax, 0, (end) => (this.lastRecordEnd = end));
    this.quote = String.fromCharCode(syntax.quote);
  }

  /** The key values (as text, in the order of `keys`) of a key id passed to the handler. */
  keyValuesOf(keyId: number): string[] {
    return this.keyTable.values[keyId]!;
  }

  push(input: Buffer): void {
    let chunk = input;
    if (this.offset === 0 && this.carry === undefined) chunk = chunk.subarray(byteOrderMarkLength(chunk));
    this.splitter.feed(chunk, this.offset);
    const carried = this.carry?.length ?? 0;
    const dataStart = this.offset - carried;
    this.offset += chunk.length;
    const completeEnd = this.lastRecordEnd - dataStart;
    const data = carried > 0 ? Buffer.concat([this.carry!, chunk]) : chunk;
    // Copied: a view would keep the whole chunk alive.
    this.carry = completeEnd < data.length ? Buffer.from(data.subarray(Math.max(0, completeEnd))) : undefined;
    if (completeEnd > 0) this.readRecords(data.subarray(0, completeEnd));
  }

  /** Ends the input: reads a last record without a line end and checks that there was a header. */
  finish(): void {
    this.splitter.finish(this.offset);
    if (this.carry !== undefined && this.carry.length > 0) {
      const lineEnd = this.header?.lineEnd ?? LF;
      const last = Buffer.concat([this.carry, lineEnd]);
      this.carry = undefined;
      this.readRecords(last);
    }
    if (this.header === undefined) {
      throw new ValidationError(
        `${this.file}: the file is empty: expected a header line with the column names`,
        {
          file: this.file,
        },
      );
    }
  }

  private readRecords(bytes: Buffer): void {
    const scanner = new CsvFieldScanner(bytes, this.syntax);
    const n = bytes.length;
    if (this.header === undefined) {
      while (scanner.pos < n && scanner.skipBlankLine());
      if (scanner.pos >= n) return;
      this.readHeader(scanner, bytes);
    }
    const columnCount = this.header!.columns.length;
    const keyFields = this.keyFields;
    const keyCount = keyFields.length;
    const { starts, ends } = this;
    while (scanner.pos < n) {
      if (scanner.skipBlankLine()) continue;
      const start = scanner.pos;
      this.rows += 1;
      let field = 0;
      let k = 0;
      let escaped = false;
      for (let last = false; !last; field++) {
        last = scanner.next();
        if (k < keyCount && field === keyFields[k]) {
          if (scanner.end === scanner.start) this.fail('has an empty value for a key column', field);
          starts[k] = scanner.start;
          ends[k++] = scanner.end;
          escaped ||= (scanner.flags & ESCAPED_QUOTE) !== 0;
        }
      }
      if (scanner.flags & UNTERMINATED) this.fail('has a quoted field that is never closed');
      if (field !== columnCount) this.fail(`has ${field} fields, the header has ${columnCount}`);
      let keyId = this.keyTable.find(bytes, starts, ends, keyCount);
      if (keyId < 0) keyId = this.keyTable.add(bytes, starts, ends, keyCount, this.decodeKey(bytes, escaped));
      this.onRecord(keyId, bytes, start, Math.min(scanner.pos, n));
    }
  }

  /** The key values of the record just scanned, in the order of `keys`. */
  private decodeKey(bytes: Buffer, escaped: boolean): string[] {
    const values = new Array<string>(this.keyFields.length);
    this.keyFields.forEach((field, k) => {
      const raw = bytes.subarray(this.starts[k], this.ends[k]);
      if (!isUtf8(raw) || raw.includes(0)) this.fail('has invalid UTF-8 or a NUL byte in a key value', field);
      const text = raw.toString('utf8');
      values[this.keySlots[k]!] = escaped ? text.replaceAll(this.quote + this.quote, this.quote) : text;
    });
    return values;
  }

  private readHeader(scanner: CsvFieldScanner, bytes: Buffer): void {
    const start = scanner.pos;
    while (!scanner.next());
    const end = Math.min(scanner.pos, bytes.length);
    let line = bytes.subarray(start, end);
    const columns = this.headerColumns(line);
    const lineEnd = line.length >= 2 && line[line.length - 2] === 0x0d ? CRLF : LF;
    if (line[line.length - 1] !== 0x0a) line = Buffer.concat([line, lineEnd]);
    this.header = { columns, line: Buffer.from(line), lineEnd };
    this.keyIndexes = this.keys.map((key) => {
      const index = columns.indexOf(key);
      if (index < 0) {
        throw new ValidationError(
          `${this.file}: no column "${key}" to partition by (columns: ${columns.join(', ')})`,
          { file: this.file, field: key },
        );
      }
      return index;
    });
    this.keySlots = this.keys
      .map((_, slot) => slot)
      .sort((a, b) => this.keyIndexes[a]! - this.keyIndexes[b]!);
    this.keyFields = this.keySlots.map((slot) => this.keyIndexes[slot]!);
    this.starts = new Int32Array(this.keys.length);
    this.ends = new Int32Array(this.keys.length);
  }

  private headerColumns(line: Buffer): string[] {
    try {
      return readCsvHeader(line, {
        delimiter: String.fromCharCode(this.syntax.delimiter),
        quote: this.quote,
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(`${this.file}: ${error.message}`, { ...error.details, file: this.file });
      }
      throw error;
    }
  }

  private fail(problem: string, field?: number): never {
    const column = field === undefined ? undefined : this.header?.columns[field];
    throw new ValidationError(`${this.file}: data row ${this.rows} ${problem}`, {
      file: this.file,
      row: this.rows,
      ...(column === undefined ? {} : { field: column }),
    });
  }
}
