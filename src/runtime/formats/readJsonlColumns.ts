import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../errors';
import { checkColumnNames } from './checkColumnNames';
import { firstNonBlank } from './firstNonBlank';
import { byteOrderMarkLength } from './withLeadingBytes';

const LF = 0x0a;

/**
 * The field names of the first non-blank record of a JSON Lines file: the file's columns as far as
 * input validation is concerned. `firstBytes` must hold at least that whole line. Throws
 * ValidationError for an empty file or a first record that is not a JSON object.
 */
export function readJsonlColumns(firstBytes: Buffer): string[] {
  const bytes = firstBytes.subarray(byteOrderMarkLength(firstBytes));
  for (let start = 0; start < bytes.length;) {
    const lineFeed = bytes.indexOf(LF, start);
    const end = lineFeed < 0 ? bytes.length : lineFeed;
    if (firstNonBlank(bytes, start, end) >= 0) return columnsOf(bytes.subarray(start, end));
    start = end + 1;
  }
  throw new ValidationError('the file is empty: expected at least one JSON record');
}

function columnsOf(line: Buffer): string[] {
  const details = { row: 1 };
  if (!isUtf8(line)) throw new ValidationError('row 1: invalid UTF-8 bytes', details);
  let record: unknown;
  try {
    record = JSON.parse(line.toString('utf8'));
  } catch (error) {
    throw new ValidationError(`row 1: ${invalidJsonReason(error)}`, details);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new ValidationError('row 1: not a JSON object', details);
  }
  const names = Object.keys(record);
  checkColumnNames(names);
  return names;
}

const MAX_REASON = 120;

/** The parser's message, cut short: V8 quotes the input in it. */
export function invalidJsonReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `invalid JSON: ${message.length > MAX_REASON ? `${message.slice(0, MAX_REASON)}...` : message}`;
}
