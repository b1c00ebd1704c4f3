import { JsonlLineSplitter } from './JsonlLineSplitter';
import { LeadingChunks } from './LeadingChunks';
import { PartitionBuilder, type PartitionPlan } from './PartitionBuilder';
import { checkLength } from './planCsvPartitions';
import { readJsonlColumns } from './readJsonlColumns';
import { byteOrderMarkLength, withLeadingBytes } from './withLeadingBytes';

/**
 * One streaming pass over a JSON Lines file: counts the records (one per non-blank line; blank lines
 * are skipped and numbered by nobody) and cuts the file into byte ranges of about
 * `targetPartitionBytes` at line starts. `header` holds the first record's fields. The same bytes
 * give the same partitions. A file without records is a ValidationError, as is a first line that is
 * not a JSON object (its fields are the columns the job checks).
 */
export async function planJsonlPartitions(
  chunks: AsyncIterable<Buffer>,
  totalBytes: number,
  targetPartitionBytes: number,
): Promise<PartitionPlan> {
  let builder: PartitionBuilder | undefined;
  let firstRecordSeen = false;
  const splitter = new JsonlLineSplitter((end, blank) => {
    builder!.record(end, blank);
    firstRecordSeen ||= !blank;
  });
  const firstChunks = new LeadingChunks();
  let offset = 0;
  for await (const chunk of withLeadingBytes(chunks, 3)) {
    if (!firstRecordSeen) firstChunks.add(chunk);
    // A byte order mark belongs to no record.
    const from = offset === 0 ? byteOrderMarkLength(chunk) : 0;
    builder ??= new PartitionBuilder(from, targetPartitionBytes);
    splitter.feed(chunk, offset, from);
    offset += chunk.length;
    if (!firstRecordSeen) firstChunks.checkOpenRecord();
  }
  checkLength(offset, totalBytes);
  splitter.finish(totalBytes);
  const header = readJsonlColumns(firstChunks.bytes());
  const partitions = builder!.finish(totalBytes);
  return { header, partitions, totalRows: builder!.totalRows };
}
