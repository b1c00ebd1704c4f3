import { fitsFloat32, parseDecimalText } from './parseDecimal';
import type { ScoringBatch, ScoringSchema } from './ScoringBatch';

/**
 * Which columns of a sample hold numbers, from one parse of the sample (`parseAs` parses it with the
 * given schema) that keeps every column as text; each value is then judged as the feature parsers
 * judge it. A column is numeric when it holds at least one number and more numbers than values that
 * are not numbers: one typo in the first rows must become an error-report row, not turn a feature
 * column into text (that would fail the job, or, when columns map to the model by order, shift every
 * feature by one). Empty and out-of-range values count for neither. Rows bad as a whole (too few
 * fields, quoting, invalid UTF-8) say nothing about a column; if every sampled row is bad that way,
 * every column is taken as numeric and the partitions report the rows.
 */
export function judgeNumericColumns(
  header: readonly string[],
  parseAs: (schema: ScoringSchema) => ScoringBatch,
): string[] {
  // One parse for all columns: a parse per column costs columns × sample, which a file of 100,000
  // columns turned into hours on the event loop.
  const batch = parseAs({ featureColumns: [], passThroughColumns: header });
  if (batch.rowCount === 0) return batch.errors.length > 0 ? [...header] : [];
  return header.filter((_, column) => {
    let numbers = 0;
    let text = 0;
    for (const value of batch.passThrough[column] ?? []) {
      const number = parseDecimalText(value);
      if (fitsFloat32(number)) numbers++;
      else if (Number.isNaN(number) && value.trim() !== '') text++;
    }
    return numbers > 0 && numbers > text;
  });
}
