import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../errors';
import { checkColumnNames } from './checkColumnNames';
import { CsvFieldScanner, ESCAPED_QUOTE, UNTERMINATED } from './CsvFieldScanner';
import { resolveCsvOptions, type CsvOptions, type CsvSyntax } from './CsvOptions';
import { byteOrderMarkLength } from './withLeadingBytes';

/**
 * Column names from the first non-blank record of a CSV file. `firstBytes` must hold at least that
 * whole record (or the whole file). Throws ValidationError for an empty file, an unterminated quote,
 * invalid UTF-8, and empty or duplicate names. A header without data rows is fine.
 */
export function readCsvHeader(firstBytes: Buffer, options: CsvOptions = {}): string[] {
  const syntax = resolveCsvOptions(options);
  const bytes = firstBytes.subarray(byteOrderMarkLength(firstBytes));
  const scanner = new CsvFieldScanner(bytes, syntax);
  while (scanner.pos < bytes.length && scanner.skipBlankLine());
  if (scanner.pos >= bytes.length) {
    throw new ValidationError('the file is empty: expected a header line with the column names');
  }
  const names = headerFields(scanner, bytes, syntax);
  checkColumnNames(names);
  return names;
}

function headerFields(scanner: CsvFieldScanner, bytes: Buffer, syntax: CsvSyntax): string[] {
  const names: string[] = [];
  const quote = String.fromCharCode(syntax.quote);
  for (let last = false; !last;) {
    last = scanner.next();
    const column = `column ${names.length + 1}`;
    if (scanner.flags & UNTERMINATED) {
      throw new ValidationError(`the header has an unterminated quoted field at ${column}`, {
        field: column,
      });
    }
    const raw = bytes.subarray(scanner.start, scanner.end);
    if (!isUtf8(raw)) {
      throw new ValidationError(`the header has invalid UTF-8 bytes at ${column}`, { field: column });
    }
    const text = raw.toString('utf8');
    names.push(scanner.flags & ESCAPED_QUOTE ? text.replaceAll(quote + quote, quote) : text);
  }
  return names;
}
