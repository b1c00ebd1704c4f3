import { resolveCsvOptions, type CsvOptions } from './CsvOptions';
import { CsvRecordSplitter } from './CsvRecordSplitter';
import { JsonlLineSplitter } from './JsonlLineSplitter';

/** The leading whole records of a sample and how many rows they hold: a partition the parsers accept. */
export interface WholeRecords {
  readonly bytes: Buffer;
  readonly rows: number;
}

/**
 * Cuts a sample that starts at a record start (e.g. the first 64 KiB of a partition) after its last
 * complete record, respecting quotes, and counts its rows as the planner does. Parsing the sample as
 * `{ start: 0, end: bytes.length, firstRow, rows }` then meets the parsers' row-count check.
 */
export function takeWholeCsvRecords(sample: Buffer, options: CsvOptions = {}): WholeRecords {
  let rows = 0;
  let end = 0;
  let rowsAtEnd = 0;
  const splitter = new CsvRecordSplitter(resolveCsvOptions(options), 0, (recordEnd, blank) => {
    if (!blank) rows += 1;
    end = recordEnd;
    rowsAtEnd = rows;
  });
  splitter.feed(sample, 0);
  return { bytes: sample.subarray(0, end), rows: rowsAtEnd };
}

/** The same for JSON Lines: the sample up to its last line feed, and its non-blank lines. */
export function takeWholeJsonlRecords(sample: Buffer): WholeRecords {
  let rows = 0;
  let end = 0;
  const splitter = new JsonlLineSplitter((lineEnd, blank) => {
    if (!blank) rows += 1;
    end = lineEnd;
  });
  splitter.feed(sample, 0);
  return { bytes: sample.subarray(0, end), rows };
}
