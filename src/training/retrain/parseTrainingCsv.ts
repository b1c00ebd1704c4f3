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
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((name) => name.trim());
  if (lines.length === 0 || header.every((name) => name === ''))
    throw new ValidationError(`${file} is empty: it needs a header line and data rows.`, { file });
  const missing = only?.find((name) => !header.includes(name));
  if (missing !== undefined)
    throw new ValidationError(`${file} has no column "${missing}" (columns: ${header.join(', ')})`, {
      file,
      field: missing,
    });
  const kept = header.flatMap((name, at) => (only === undefined || only.includes(name) ? [at] : []));
  const columns = kept.map((at) => header[at]!);
  const rows = lines.length - 1;
  // Columns stay float64 (NaN for a gap) until a cell holds text; then that column becomes cells as read.
  const values: (Float64Array | (number | string | null)[])[] = columns.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const fields = (lines[r + 1] ?? '').split(',');
    if (fields.length !== header.length) {
      throw new ValidationError(
        `${file} row ${r + 1}: ${fields.length} values for ${header.length} columns (${header.join(', ')})`,
        { file, row: r + 1 },
      );
    }
    for (let c = 0; c < kept.length; c++) {
      const field = fields[kept[c]!]!;
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
  }
  return { columns, values, rows };
}

/** A float64 column as cells (null for a gap), so that it can hold text too. */
function asCells(column: Float64Array): (number | string | null)[] {
  return Array.from(column, (value) => (Number.isNaN(value) ? null : value));
}
