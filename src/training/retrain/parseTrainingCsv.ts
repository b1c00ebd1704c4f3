import { ValidationError } from '../../errors';
import type { TrainingTable } from '../TrainingTable';

/**
 * Reads training data from CSV text: a header line and comma-separated rows, no quoted fields. Unlike
 * readNumericTable it does not stop at the first odd cell: empty cells are missing values and text
 * stays text, so the data checks can report every problem at once. A row with the wrong number of
 * fields is a ValidationError naming it (the file's shape is broken, not its values). `only` keeps just
 * those columns (in file order; each must exist): the others are checked for count but not read.
 */
export function parseTrainingCsv(text: string, file: string, only?: readonly string[]): TrainingTable {
  // One pass over the text with indexOf (no array of lines, no array of fields per row): training
  // parses every key's file, and this was a third of a key's CPU time.
  const end = contentEnd(text);
  const headerEnd = lineEndAt(text, 0, end);
  const header = text
    .slice(0, headerEnd.content)
    .split(',')
    .map((name) => name.trim());
  if (end === 0 || header.every((name) => name === ''))
    throw new ValidationError(`${file} is empty: it needs a header line and data rows.`, { file });
  const missing = only?.find((name) => !header.includes(name));
  if (missing !== undefined)
    throw new ValidationError(`${file} has no column "${missing}" (columns: ${header.join(', ')})`, {
      file,
      field: missing,
    });
  const kept = header.flatMap((name, at) => (only === undefined || only.includes(name) ? [at] : []));
  const columns = kept.map((at) => header[at]!);
  /** Field index → its column in `values`, or -1 when not kept. */
  const slots = new Int32Array(header.length).fill(-1);
  kept.forEach((at, c) => (slots[at] = c));
  let rows = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) rows++;
  // Columns stay float64 (NaN for a gap) until a cell holds text; then that column becomes cells as read.
  const values: (Float64Array | (number | string | null)[])[] = columns.map(() => new Float64Array(rows));
  let lineStart = headerEnd.next;
  for (let r = 0; r < rows; r++) {
    const line = lineEndAt(text, lineStart, end);
    let fields = 0;
    for (let from = lineStart; ;) {
      let comma = text.indexOf(',', from);
      if (comma < 0 || comma > line.content) comma = line.content;
      const c = fields < slots.length ? slots[fields]! : -1;
      if (c >= 0) {
        const field = text.slice(from, comma);
        // Number() ignores surrounding blanks and reads a blank field as 0: a blank field is a gap.
        const number = Number(field);
        const cell =
          Number.isFinite(number) && (number !== 0 || field.trim() !== '')
            ? number
            : field.trim() === ''
              ? null
              : field.trim();
        const column = values[c]!;
        if (!(column instanceof Float64Array)) column[r] = cell;
        else if (typeof cell !== 'string') column[r] = cell ?? NaN;
        else (values[c] = asCells(column))[r] = cell;
      }
      fields++;
      if (comma >= line.content) break;
      from = comma + 1;
    }
    if (fields !== header.length) {
      throw new ValidationError(
        `${file} row ${r + 1}: ${fields} values for ${header.length} columns (${header.join(', ')})`,
        { file, row: r + 1 },
      );
    }
    lineStart = line.next;
  }
  return { columns, values, rows };
}

/** Where the text ends once trailing blank lines (and the last line's line end) are left out. */
function contentEnd(text: string): number {
  let end = text.length;
  while (end > 0) {
    const lineStart = text.lastIndexOf('\n', end - 1) + 1;
    if (text.slice(lineStart, end).trim() !== '') return end;
    end = Math.max(0, lineStart - 1);
    if (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  }
  return 0;
}

/** The line starting at `start`: where its content ends (before `\r\n` or `\n`) and the next line starts. */
function lineEndAt(text: string, start: number, end: number): { content: number; next: number } {
  const newline = text.indexOf('\n', start);
  if (newline < 0 || newline >= end) return { content: end, next: end };
  return {
    content: newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline,
    next: newline + 1,
  };
}

/** A float64 column as cells (null for a gap), so that it can hold text too. */
function asCells(column: Float64Array): (number | string | null)[] {
  return Array.from(column, (value) => (Number.isNaN(value) ? null : value));
}
