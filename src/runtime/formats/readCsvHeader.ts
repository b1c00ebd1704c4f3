import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../errors';
import { checkColumnNames } from './checkColumnNames';
import { CR, CsvFieldScanner, ESCAPED_QUOTE, QUOTED, UNTERMINATED } from './CsvFieldScanner';
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
    // Lines ended by CR alone (classic Mac OS) make the whole file one header line: say that, not
    // whatever that line's fields look like (duplicate names, missing columns).
    if (!(scanner.flags & QUOTED) && raw.includes(CR)) {
      throw new ValidationError(
        `the header has a carriage return (CR) inside ${column}: the lines seem to end with CR alone; save the file with LF or CRLF line ends`,
        { field: column },
      );
    }
    if (!isUtf8(raw)) {
      throw new ValidationError(`the header has invalid UTF-8 bytes at ${column}`, { field: column });
    }
    const text = raw.toString('utf8');
    names.push(scanner.flags & ESCAPED_QUOTE ? text.replaceAll(quote + quote, quote) : text);
  }
  return names;
}
