import type { ScoringBatch, ScoringSchema } from './ScoringBatch';

/**
 * Which columns of a sample hold numbers, from parses of the sample (`parseAs` parses it with the given
 * feature columns). A column is numeric when it holds at least one number and more numbers than
 * values that are not numbers: one typo in the first rows must become an error-report row, not turn a
 * feature column into text (that would fail the job, or, when columns map to the model by order, shift
 * every feature by one). Rows bad as a whole (too few fields, quoting, invalid UTF-8) say nothing about
 * a column; if every sampled row is bad that way, every column is taken as numeric and the partitions
 * report the rows.
 */
export function judgeNumericColumns(
  header: readonly string[],
  parseAs: (schema: ScoringSchema) => ScoringBatch,
): string[] {
  const whole = parseAs({ featureColumns: [], passThroughColumns: [] });
  if (whole.rowCount === 0) return whole.errors.length > 0 ? [...header] : [];
  return header.filter((column) => {
    const batch = parseAs({ featureColumns: [column], passThroughColumns: [] });
    const text = batch.errors.filter(
      (error) => error.field === column && error.reason.startsWith('not a number'),
    ).length;
    return batch.rowCount > 0 && batch.rowCount > text;
  });
}
