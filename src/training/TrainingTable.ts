import { ValidationError } from '../errors';
import type { DesignMatrix } from './fitRidge';

/** One column's values: numbers (NaN for a missing number), or cells as read (text, null when empty). */
export type ColumnValues = Float64Array | readonly (number | string | null)[];

/** Column-oriented training data; a NumericTable is one. */
export interface TrainingTable {
  readonly columns: readonly string[];
  /** One entry per column, each `rows` long. */
  readonly values: readonly ColumnValues[];
  readonly rows: number;
}

/** The named column's values, or a ValidationError listing the columns there are. */
export function columnOf(table: TrainingTable, name: string): ColumnValues {
  const index = table.columns.indexOf(name);
  const values = table.values[index];
  if (index < 0 || values === undefined) {
    throw new ValidationError(
      `Training data has no column "${name}" (columns: ${table.columns.join(', ')})`,
      { field: name },
    );
  }
  return values;
}

/** A cell as a number: NaN when it is missing (null, empty text or NaN), undefined when it is not numeric. */
export function cellNumber(cell: number | string | null | undefined): number | undefined {
  if (cell === null || cell === undefined) return NaN;
  if (typeof cell === 'number') return Number.isFinite(cell) || Number.isNaN(cell) ? cell : undefined;
  if (cell.trim() === '') return NaN;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

/** The named column as finite numbers; a missing or non-numeric cell is a ValidationError naming its row. */
export function numericColumn(table: TrainingTable, name: string): Float64Array {
  const values = columnOf(table, name);
  const out = new Float64Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    const cell = values[r];
    const value = cellNumber(cell);
    if (value === undefined || Number.isNaN(value)) {
      const what = value === undefined ? `"${String(cell)}" is not a number` : 'the value is missing';
      throw new ValidationError(`Training data row ${r + 1} column ${name}: ${what}`, {
        row: r + 1,
        field: name,
      });
    }
    out[r] = value;
  }
  return out;
}

/** The feature columns as a row-major float64 matrix (rows × features, in the order given). */
export function designMatrix(table: TrainingTable, features: readonly string[]): DesignMatrix {
  if (features.length === 0) throw new ValidationError('No feature columns given', { field: 'features' });
  const x: DesignMatrix = {
    rows: table.rows,
    columns: features.length,
    values: new Float64Array(table.rows * features.length),
  };
  features.forEach((name, j) => {
    numericColumn(table, name).forEach((value, r) => (x.values[r * x.columns + j] = value));
  });
  return x;
}

/** The given rows of every column, in the order given (e.g. the training or holdout part of a split). */
export function selectRows(table: TrainingTable, rows: readonly number[]): TrainingTable {
  for (const row of rows) {
    if (!Number.isInteger(row) || row < 0 || row >= table.rows) {
      throw new RangeError(`selectRows: row ${row} is outside 0..${table.rows - 1}`);
    }
  }
  const values = table.values.map((column): ColumnValues => {
    if (column instanceof Float64Array) return Float64Array.from(rows, (r) => column[r] ?? NaN);
    return rows.map((r) => column[r] ?? null);
  });
  return { columns: table.columns, values, rows: rows.length };
}
