import type { ByteRangeReader } from '../../runtime/formats/ByteRangeReader';
import { loadHyparquet } from '../../runtime/formats/loadParquetLibraries';
import { parquetColumns, readParquetMetadata } from '../../runtime/formats/parquetColumns';
import { stringifyValue } from '../../runtime/formats/stringifyValue';
import { ValidationError } from '../../errors';

/** Rows turned into CSV text per chunk: large enough to amortise, small enough to stream. */
const ROWS_PER_CHUNK = 65_536;

/**
 * A Parquet file's rows as CSV bytes (header first, `\n` line ends), one row group at a time: the
 * partitioner reads Parquet through its CSV path. Values are written as batch scoring's pass-through
 * columns write them (stringifyValue: numbers as JavaScript prints them, dates in ISO 8601, null as
 * an empty field), quoted when they hold a comma, quote or line end. Memory: one row group's columns.
 */
export async function* parquetRowsAsCsv(reader: ByteRangeReader, file: string): AsyncGenerator<Buffer> {
  const lib = await loadHyparquet();
  const metadata = await readParquetMetadata(lib, reader).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`${file}: ${message}`, { file });
  });
  const columns = parquetColumns(lib, metadata).map((column) => column.name);
  const cells = columns.map(() => new CellText());
  yield Buffer.from(`${columns.map(csvField).join(',')}\n`);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    if (rowEnd > rowStart) {
      const scan = await lib.parquetScan({ file: reader, metadata, columns, rowStart, rowEnd });
      const values = (await Promise.all(
        columns.map((column) => scan.readColumn({ column, rowStart, rowEnd })),
      )) as ArrayLike<unknown>[];
      const fields = new Array<string>(values.length);
      for (let from = 0; from < rowEnd - rowStart; from += ROWS_PER_CHUNK) {
        const to = Math.min(from + ROWS_PER_CHUNK, rowEnd - rowStart);
        // Rows joined once per chunk, not appended to one string field by field: far less garbage.
        const lines = new Array<string>(to - from + 1);
        for (let r = from; r < to; r++) {
          for (let c = 0; c < values.length; c++) fields[c] = cells[c]!.text(values[c]![r]);
          lines[r - from] = fields.join(',');
        }
        lines[to - from] = '';
        yield Buffer.from(lines.join('\n'));
      }
    }
    rowStart = rowEnd;
  }
}

/**
 * One column's values as CSV fields. Numbers need no quoting; strings repeat (dates, names), so their
 * fields are remembered, up to a bound per column.
 */
class CellText {
  readonly #strings = new Map<string, string>();

  text(value: unknown): string {
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') return csvField(stringifyValue(value));
    let field = this.#strings.get(value);
    if (field === undefined) {
      field = csvField(value);
      if (this.#strings.size < MAX_REMEMBERED) this.#strings.set(value, field);
    }
    return field;
  }
}

const MAX_REMEMBERED = 100_000;

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
