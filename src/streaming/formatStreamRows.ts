/** One row per line as JSON, or CSV with a header (columns of the first row, in its order). */
export function formatStreamRows(rows: readonly Record<string, unknown>[], format: 'jsonl' | 'csv'): Buffer {
  if (format === 'jsonl') return jsonLinesOf(rows);
  const columns = Object.keys(rows[0] ?? {});
  const lines = [columns.map(csvField), ...rows.map((row) => columns.map((column) => csvField(row[column])))];
  return Buffer.from(lines.map((line) => `${line.join(',')}\n`).join(''));
}

function csvField(value: unknown): string {
  let text = '';
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (value !== undefined && value !== null) text = JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as JSON Lines: one JSON text and a newline per row. */
export function jsonLinesOf(rows: readonly unknown[]): Buffer {
  return Buffer.from(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
}
