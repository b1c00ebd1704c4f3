import type { JoinedRow } from './joinFeedback';
import { csvField } from './readCsvRecords';

/** The columns every joined set ends with, after the scored output's columns. */
export const joinedSetTail = ['modelVersion', 'jobId'] as const;

/**
 * A batch's joined rows as CSV: the scored output's columns (pass-through columns and predictions, the
 * union over the jobs that scored them, in the order first seen), the label under the model's target
 * name (so retraining finds it), then the version and job that scored the row. A scored column of the
 * target's name is replaced by the label.
 */
export function formatJoinedSet(rows: readonly JoinedRow[], target: string): string {
  const reserved = new Set<string>([target, ...joinedSetTail]);
  const columns: string[] = [];
  for (const row of rows)
    for (const name of row.columns) if (!reserved.has(name) && !columns.includes(name)) columns.push(name);
  const lines = [[...columns, target, ...joinedSetTail].map(csvField).join(',')];
  for (const row of rows) {
    const cells = columns.map((name) => {
      const at = row.columns.indexOf(name);
      return at < 0 ? '' : (row.values[at] ?? '');
    });
    lines.push([...cells, row.feedback.label, String(row.version), row.jobId].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
