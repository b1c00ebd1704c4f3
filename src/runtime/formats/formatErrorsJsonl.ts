import type { RowError } from './ScoringBatch';

/**
 * The bad rows as JSON Lines for `_errors.jsonl`: `{"file","row","field","reason"}`, field null when
 * the row as a whole is bad; `file` is the row's own file when it has one, else `file`.
 */
export function formatErrorsJsonl(errors: readonly RowError[], file: string): Buffer {
  const lines = errors.map(
    ({ row, field, reason, ...error }) =>
      `{"file":${JSON.stringify(error.file ?? file)},"row":${row},"field":${field === undefined ? 'null' : JSON.stringify(field)},"reason":${JSON.stringify(reason)}}\n`,
  );
  return Buffer.from(lines.join(''), 'utf8');
}
