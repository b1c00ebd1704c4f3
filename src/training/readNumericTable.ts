import { ValidationError } from '../errors';

/** A table of numbers read from a small CSV file with a header line. */
export interface NumericTable {
  readonly columns: readonly string[];
  /** One array of values per column. */
  readonly values: readonly Float64Array[];
  readonly rows: number;
}

/**
 * Reads training data: a comma-separated header and numeric rows, no quoting (training sets the project
 * ships are this simple; batch input goes through the scoring formats instead). A short row or a
 * non-numeric value is a ValidationError naming the 1-based data row and the column.
 */
export function readNumericTable(text: string, file: string): NumericTable {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = (lines[0] ?? '').split(',').map((name) => name.trim());
  if (lines.length < 2) throw new ValidationError(`${file} has no data rows`, { file });
  const rows = lines.length - 1;
  const values = columns.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const cells = (lines[r + 1] ?? '').split(',');
    if (cells.length !== columns.length) {
      throw new ValidationError(
        `${file} row ${r + 1}: ${cells.length} values for ${columns.length} columns`,
        {
          file,
          row: r + 1,
        },
      );
    }
    cells.forEach((cell, c) => {
      const value = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(value)) {
        const field = columns[c];
        throw new ValidationError(`${file} row ${r + 1} column ${field}: "${cell}" is not a number`, {
          file,
          row: r + 1,
          field,
        });
      }
      (values[c] as Float64Array)[r] = value;
    });
  }
  return { columns, values, rows };
}
