import {
  binProportions,
  populationStabilityIndex,
  type FeatureBaseline,
  type TrainingBaseline,
} from './computeBaseline';
import { cellNumber, type TrainingTable } from './TrainingTable';

/** One check's outcome; `value` and `threshold` are what was measured and the limit it was held to. */
export interface DataCheck {
  readonly check: 'rows' | 'schema' | 'missing' | 'range' | 'distribution';
  readonly column?: string;
  readonly status: 'passed' | 'failed' | 'warning';
  readonly value?: number;
  readonly threshold?: number;
  readonly message: string;
}

/** Passed when no check failed (warnings do not fail it). */
export interface DataCheckReport {
  readonly passed: boolean;
  readonly checks: readonly DataCheck[];
}

export interface TrainingDataSpec {
  readonly features: readonly string[];
  readonly target?: string;
  /** 'numeric' (regression; default) or 'categorical' (classification: any non-empty label). */
  readonly targetKind?: 'numeric' | 'categorical';
  /** Default 1. */
  readonly minRows?: number;
  /** Largest share of missing values (NaN, empty) a column may have; default 0. */
  readonly maxMissingFraction?: number;
  /** Declared limits per column; any value outside fails. */
  readonly ranges?: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>;
  /** How far past the baseline's min/max, as a share of its max − min, values may go; default 0.1. */
  readonly rangeTolerance?: number;
  /** PSI from which a feature's shift warns; default 0.1. */
  readonly psiWarning?: number;
  /** PSI from which a feature's shift fails; default 0.25. */
  readonly psiFailure?: number;
}

/** A column's cells sorted out: numbers, and the rows of missing and non-numeric cells. */
interface ColumnScan {
  readonly name: string;
  readonly values: number[];
  readonly rowsOfValues: number[];
  readonly missingRows: number[];
  readonly nonNumeric: { row: number; cell: string }[];
}

/**
 * Checks training data before a run: row count, schema (columns present, features numeric), missing
 * values, ranges (declared, and the baseline's min/max plus a tolerance) and distribution shift against
 * the baseline (PSI per feature). Every check says what to do when it fails.
 */
export function checkTrainingData(
  table: TrainingTable,
  spec: TrainingDataSpec,
  baseline?: TrainingBaseline,
): DataCheckReport {
  const checks: DataCheck[] = [rowCountCheck(table, spec.minRows ?? 1)];
  const required = spec.target === undefined ? spec.features : [...spec.features, spec.target];
  for (const name of required) {
    const index = table.columns.indexOf(name);
    if (index < 0) {
      checks.push({
        check: 'schema',
        column: name,
        status: 'failed',
        message: `Column "${name}" is missing (the data has ${table.columns.join(', ')}); add it or take it out of the model's ${name === spec.target ? 'target' : 'features'}.`,
      });
      continue;
    }
    const numeric = name !== spec.target || spec.targetKind !== 'categorical';
    const scan = scanColumn(table, index, name, numeric);
    checks.push(schemaCheck(scan), missingCheck(scan, table.rows, spec.maxMissingFraction ?? 0));
    if (!numeric) continue;
    const declared = spec.ranges?.[name];
    if (declared !== undefined)
      checks.push(rangeCheck(scan, declared.min, declared.max, 'the declared range'));
    const feature = baseline?.features[name];
    if (feature !== undefined) {
      const slack = (spec.rangeTolerance ?? 0.1) * (feature.max - feature.min || Math.abs(feature.max) || 1);
      checks.push(
        rangeCheck(scan, feature.min - slack, feature.max + slack, "the training baseline's range"),
        distributionCheck(scan, feature, spec.psiWarning ?? 0.1, spec.psiFailure ?? 0.25),
      );
    } else if (baseline !== undefined && spec.features.includes(name)) {
      checks.push({
        check: 'distribution',
        column: name,
        status: 'warning',
        message: `The baseline has no entry for ${name}, so its distribution was not compared. Recompute the baseline from training data that has this column.`,
      });
    }
  }
  return { passed: checks.every((check) => check.status !== 'failed'), checks };
}

function rowCountCheck(table: TrainingTable, minRows: number): DataCheck {
  const passed = table.rows >= minRows;
  return {
    check: 'rows',
    status: passed ? 'passed' : 'failed',
    value: table.rows,
    threshold: minRows,
    message: passed
      ? `${table.rows} rows (at least ${minRows} needed).`
      : `Only ${table.rows} rows; training needs at least ${minRows}. Check that the training source is complete.`,
  };
}

function scanColumn(table: TrainingTable, index: number, name: string, numeric: boolean): ColumnScan {
  const column = table.values[index] ?? [];
  const scan: ColumnScan = { name, values: [], rowsOfValues: [], missingRows: [], nonNumeric: [] };
  for (let r = 0; r < table.rows; r++) {
    const cell = column[r];
    const value = cellNumber(cell);
    if (value !== undefined && Number.isNaN(value)) scan.missingRows.push(r + 1);
    else if (value !== undefined) {
      scan.values.push(value);
      scan.rowsOfValues.push(r + 1);
    } else if (numeric) scan.nonNumeric.push({ row: r + 1, cell: String(cell) });
  }
  return scan;
}

function schemaCheck(scan: ColumnScan): DataCheck {
  const first = scan.nonNumeric[0];
  if (first === undefined) {
    return {
      check: 'schema',
      column: scan.name,
      status: 'passed',
      message: `Column ${scan.name} is present.`,
    };
  }
  return {
    check: 'schema',
    column: scan.name,
    status: 'failed',
    value: scan.nonNumeric.length,
    threshold: 0,
    message: `Column ${scan.name} has ${scan.nonNumeric.length} non-numeric values (first: "${first.cell}" in row ${first.row}); it must hold numbers. Fix the source or encode the column as numbers.`,
  };
}

function missingCheck(scan: ColumnScan, rows: number, maxFraction: number): DataCheck {
  const count = scan.missingRows.length;
  const fraction = rows === 0 ? 0 : count / rows;
  const status = fraction > maxFraction ? 'failed' : count > 0 ? 'warning' : 'passed';
  const where = count === 0 ? '' : ` (first in row ${scan.missingRows[0]})`;
  const allowed = `at most ${percent(maxFraction)} allowed`;
  const advice =
    status === 'failed' ? '. Fill them or drop those rows at the source, or raise maxMissingFraction.' : '.';
  return {
    check: 'missing',
    column: scan.name,
    status,
    value: fraction,
    threshold: maxFraction,
    message: `Column ${scan.name} has ${count} missing values, ${percent(fraction)} of rows${where}; ${allowed}${advice}`,
  };
}

function rangeCheck(
  scan: ColumnScan,
  min: number | undefined,
  max: number | undefined,
  what: string,
): DataCheck {
  const outside: number[] = [];
  scan.values.forEach((value, i) => {
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) outside.push(i);
  });
  const bounds = `[${min === undefined ? '−∞' : round(min)}, ${max === undefined ? '∞' : round(max)}]`;
  const first = outside[0];
  if (first === undefined) {
    const message = `Column ${scan.name}: every value is within ${what} ${bounds}.`;
    return { check: 'range', column: scan.name, status: 'passed', value: 0, threshold: 0, message };
  }
  return {
    check: 'range',
    column: scan.name,
    status: 'failed',
    value: outside.length,
    threshold: 0,
    message: `Column ${scan.name} has ${outside.length} values outside ${what} ${bounds} (first: ${scan.values[first]} in row ${scan.rowsOfValues[first]}). Check the units and the source, or widen the range if such values are real.`,
  };
}

function distributionCheck(
  scan: ColumnScan,
  baseline: FeatureBaseline,
  warnAt: number,
  failAt: number,
): DataCheck {
  const actual = binProportions(scan.values, baseline.edges);
  const psi = populationStabilityIndex(baseline.proportions, actual);
  const status = psi >= failAt ? 'failed' : psi >= warnAt ? 'warning' : 'passed';
  const base = `Column ${scan.name}: PSI ${round(psi)} against the training baseline`;
  if (status === 'passed') {
    return {
      check: 'distribution',
      column: scan.name,
      status,
      value: psi,
      threshold: failAt,
      message: `${base} (below ${warnAt}).`,
    };
  }
  // Name the bin that moved most, so a person knows where to look.
  let bin = 0;
  actual.forEach((a, i) => {
    const change = Math.abs(a - (baseline.proportions[i] ?? 0));
    if (change > Math.abs((actual[bin] ?? 0) - (baseline.proportions[bin] ?? 0))) bin = i;
  });
  const movement = `${describeBin(baseline.edges, bin)} were ${percent(baseline.proportions[bin] ?? 0)} of the baseline and are ${percent(actual[bin] ?? 0)} now`;
  const advice =
    status === 'failed'
      ? `is at least ${failAt}: the data has shifted. Check the source; if the change is real, retrain with the new baseline on purpose.`
      : `is at least ${warnAt}: a moderate shift.`;
  return {
    check: 'distribution',
    column: scan.name,
    status,
    value: psi,
    threshold: status === 'failed' ? failAt : warnAt,
    message: `${base} ${advice} Largest change: ${movement}.`,
  };
}

function describeBin(edges: readonly number[], bin: number): string {
  const low = edges[bin - 1];
  const high = edges[bin];
  if (low === undefined && high === undefined) return 'all values';
  if (low === undefined) return `values ≤ ${round(high ?? 0)}`;
  if (high === undefined) return `values > ${round(low)}`;
  return `values in (${round(low)}, ${round(high)}]`;
}

function percent(fraction: number): string {
  return `${round(fraction * 100)}%`;
}

function round(value: number): string {
  return String(Number(value.toPrecision(4)));
}
