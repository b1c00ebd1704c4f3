import { ValidationError } from '../../errors';
import type { ColumnValues, TrainingTable } from '../TrainingTable';

/**
 * Reads training data from CSV text: a header line and comma-separated rows, no quoted fields. Unlike
 * readNumericTable it does not stop at the first odd cell: empty cells are missing values and text
 * stays text, so the data checks can report every problem at once. A row with the wrong number of
 * fields is a ValidationError naming it (the file's shape is broken, not its values).
 */
export function parseTrainingCsv(text: string, file: string): TrainingTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const columns = (lines[0] ?? '').split(',').map((name) => name.trim());
  if (lines.length === 0 || columns.every((name) => name === ''))
    throw new ValidationError(`${file} is empty: it needs a header line and data rows.`, { file });
  const rows = lines.length - 1;
  const cells = columns.map(() => new Array<number | string | null>(rows));
  for (let r = 0; r < rows; r++) {
    const fields = (lines[r + 1] ?? '').split(',');
    if (fields.length !== columns.length) {
      throw new ValidationError(
        `${file} row ${r + 1}: ${fields.length} values for ${columns.length} columns (${columns.join(', ')})`,
        { file, row: r + 1 },
      );
    }
    fields.forEach((field, c) => {
      const trimmed = field.trim();
      const value = trimmed === '' ? null : Number(trimmed);
      (cells[c] as (number | string | null)[])[r] =
        value === null ? null : Number.isFinite(value) ? value : trimmed;
    });
  }
  const values = cells.map((column): ColumnValues => {
    // Columns of numbers (and gaps) are kept as float64, NaN for a gap.
    if (column.every((cell) => cell === null || typeof cell === 'number'))
      return Float64Array.from(column, (cell) => (cell === null ? NaN : cell));
    return column;
  });
  return { columns, values, rows };
}
