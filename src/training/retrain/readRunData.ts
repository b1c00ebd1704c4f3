import { createHash } from 'node:crypto';
import { ValidationError } from '../../errors';
import { splitHoldout } from '../splitHoldout';
import { cellNumber, selectRows, type TrainingTable } from '../TrainingTable';
import { parseTrainingCsv } from './parseTrainingCsv';
import type { RunPlan } from './retrainContracts';
import type { TrainingRunStore } from './TrainingRunStore';

/** The run's data as every step sees it: complete rows only, split into training and holdout rows. */
export interface RunData {
  readonly train: TrainingTable;
  readonly holdout: TrainingTable;
  /** Rows left out because a feature or the target is missing. */
  readonly incompleteRows: number;
  readonly complete: TrainingTable;
}

/**
 * Reads the run's snapshot (refused if its SHA-256 is not the one recorded when it was taken), keeps
 * the rows that have every feature and the target, and splits them with the run's seeded holdout:
 * training and evaluation read the same rows in every step and on every retry.
 */
export async function readRunData(plan: RunPlan, runs: TrainingRunStore): Promise<RunData> {
  const path = plan.data.snapshot.slice(plan.data.snapshot.indexOf('/') + 1);
  const bytes = await runs.read(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== plan.data.sha256)
    throw new ValidationError(
      `The run's data snapshot ${plan.data.snapshot} has SHA-256 ${sha256}, not the ${plan.data.sha256} it was taken with.`,
      { file: plan.data.snapshot },
    );
  const table = parseTrainingCsv(bytes.toString('utf8'), plan.data.reference);
  const columnNamed = (name: string) => table.values[table.columns.indexOf(name)];
  const features = plan.features.map(columnNamed);
  const target = columnNamed(plan.target);
  const numericTarget = plan.task === 'regression';
  const keep: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const complete =
      features.every((column) => isNumber(column?.[r])) && isPresent(target?.[r], numericTarget);
    if (complete) keep.push(r);
  }
  const complete = selectRows(table, keep);
  const split = splitHoldout(complete.rows, plan.holdout);
  return {
    train: selectRows(complete, split.train),
    holdout: selectRows(complete, split.holdout),
    incompleteRows: table.rows - complete.rows,
    complete,
  };
}

function isNumber(cell: number | string | null | undefined): boolean {
  const value = cellNumber(cell);
  return value !== undefined && !Number.isNaN(value);
}

function isPresent(cell: number | string | null | undefined, numeric: boolean): boolean {
  if (numeric) return isNumber(cell);
  return cell !== null && cell !== undefined && !Number.isNaN(cell) && String(cell).trim() !== '';
}
