import type { RowError } from './ScoringBatch';

/** The bad rows as JSON Lines for `_errors.jsonl`: `{"file","row","field","reason"}`, field null when the row as a whole is bad. */
export function formatErrorsJsonl(errors: readonly RowError[], file: string): Buffer {
  const prefix = `{"file":${JSON.stringify(file)},"row":`;
  const lines = errors.map(
    ({ row, field, reason }) =>
      `${prefix}${row},"field":${field === undefined ? 'null' : JSON.stringify(field)},"reason":${JSON.stringify(reason)}}\n`,
  );
  return Buffer.from(lines.join(''), 'utf8');
}
