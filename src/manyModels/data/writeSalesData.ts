import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { generateSalesWeeks, SALES_HEADER, type SalesDataShape } from './generateSalesWeeks';

export interface SalesWriteProgress {
  readonly rows: number;
  readonly bytes: number;
  readonly totalRows: number;
}

/**
 * Streams the synthetic sales data (header + rows) to `out`, waiting for 'drain' whenever the stream's
 * buffer is full, so that memory stays at about one week of rows. Does not end `out`.
 */
export async function writeSalesData(
  out: Writable,
  shape: SalesDataShape,
  onProgress?: (progress: SalesWriteProgress) => void,
): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(SALES_HEADER + '\n');
  for (const week of generateSalesWeeks(shape)) {
    await write(week.text);
    rows += week.rows;
    onProgress?.({ rows, bytes, totalRows: shape.rows });
  }
  return { rows, bytes };
}
