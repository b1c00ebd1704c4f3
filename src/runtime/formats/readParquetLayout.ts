import type { ColumnChunk, RowGroup } from 'hyparquet' with { 'resolution-mode': 'import' };
import type { Partition } from './ScoringBatch';
import type { ByteRangeReader } from './ByteRangeReader';
import { loadHyparquet } from './loadParquetLibraries';
import { parquetColumns, readParquetMetadata, type ParquetColumn } from './parquetColumns';

/** What the footer of a Parquet file says: its columns and one partition per non-empty row group. */
export interface ParquetLayout {
  readonly columns: ParquetColumn[];
  readonly partitions: Partition[];
  readonly totalRows: number;
}

/** Reads the footer only (one or two range reads). A file that is not Parquet is a ValidationError. */
export async function readParquetLayout(reader: ByteRangeReader): Promise<ParquetLayout> {
  const lib = await loadHyparquet();
  const metadata = await readParquetMetadata(lib, reader);
  const partitions: Partition[] = [];
  let firstRow = 1;
  metadata.row_groups.forEach((group, rowGroup) => {
    const rows = Number(group.num_rows);
    if (rows === 0) return;
    const { start, end } = rowGroupByteRange(group);
    partitions.push({ index: partitions.length, start, end, firstRow, rows, rowGroup });
    firstRow += rows;
  });
  return { columns: parquetColumns(lib, metadata), partitions, totalRows: firstRow - 1 };
}

/** From the first page of the row group's first column chunk to the end of its last one. */
function rowGroupByteRange(group: RowGroup): { start: number; end: number } {
  let start = Number.MAX_SAFE_INTEGER;
  let end = 0;
  for (const chunk of group.columns) {
    const range = columnChunkRange(chunk);
    start = Math.min(start, range.start);
    end = Math.max(end, range.end);
  }
  return start <= end ? { start, end } : { start: 0, end: 0 };
}

function columnChunkRange(chunk: ColumnChunk): { start: number; end: number } {
  const meta = chunk.meta_data;
  if (!meta) return { start: Number(chunk.file_offset), end: Number(chunk.file_offset) };
  const dictionary = meta.dictionary_page_offset;
  // Some writers record 0 for "no dictionary page".
  const start = Number(dictionary !== undefined && dictionary > 0n ? dictionary : meta.data_page_offset);
  return { start, end: start + Number(meta.total_compressed_size) };
}
