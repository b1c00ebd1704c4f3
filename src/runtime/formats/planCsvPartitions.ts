import { TransientError } from '../../errors';
import { LeadingChunks } from './LeadingChunks';
import { resolveCsvOptions, type CsvOptions } from './CsvOptions';
import { CsvRecordSplitter } from './CsvRecordSplitter';
import { PartitionBuilder, type PartitionPlan } from './PartitionBuilder';
import { readCsvHeader } from './readCsvHeader';
import { byteOrderMarkLength, withLeadingBytes } from './withLeadingBytes';

/**
 * One streaming pass over a CSV file: reads the header, counts the rows and cuts the data after the
 * header into byte ranges of about `targetPartitionBytes` that always start at a record start (quoted
 * newlines and CRLF handled). The same bytes and options give the same partitions. A file without
 * data rows gives no partitions; an empty file is a ValidationError.
 */
export async function planCsvPartitions(
  chunks: AsyncIterable<Buffer>,
  totalBytes: number,
  options: CsvOptions,
  targetPartitionBytes: number,
): Promise<PartitionPlan> {
  const syntax = resolveCsvOptions(options);
  let builder: PartitionBuilder | undefined;
  const onRecordEnd = (end: number, blank: boolean): void => {
    if (builder) builder.record(end, blank);
    else if (!blank) builder = new PartitionBuilder(end, targetPartitionBytes);
  };
  let splitter: CsvRecordSplitter | undefined;
  const headerChunks = new LeadingChunks();
  let offset = 0;
  for await (const chunk of withLeadingBytes(chunks, 3)) {
    if (!builder) headerChunks.add(chunk);
    if (splitter) {
      splitter.feed(chunk, offset);
    } else {
      // A byte order mark is neither part of the first column name nor a field start.
      const start = byteOrderMarkLength(chunk);
      splitter = new CsvRecordSplitter(syntax, start, onRecordEnd);
      splitter.feed(chunk, 0, start);
    }
    offset += chunk.length;
    if (!builder) headerChunks.checkOpenRecord();
  }
  checkLength(offset, totalBytes);
  splitter?.finish(totalBytes);
  // Rejects an empty file; otherwise the header record is among the chunks kept.
  const header = readCsvHeader(headerChunks.bytes(), options);
  builder ??= new PartitionBuilder(totalBytes, targetPartitionBytes);
  const partitions = builder.finish(totalBytes);
  return { header, partitions, totalRows: builder.totalRows };
}

/** The stream must deliver exactly the bytes the plan is made for. */
export function checkLength(received: number, totalBytes: number): void {
  if (received !== totalBytes) {
    throw new TransientError(
      `read ${received} bytes of an input of ${totalBytes} bytes; it may have changed`,
    );
  }
}
