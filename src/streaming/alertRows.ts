import type { StreamDefinition } from './StreamDefinition';

/** Rows whose prediction (the alert's output, else the model's first) is over the threshold. */
export function alertRows(
  stream: StreamDefinition,
  rows: readonly Record<string, unknown>[],
  firstOutput?: string,
): Record<string, unknown>[] {
  const alert = stream.outputs.alert;
  const output = alert?.output ?? firstOutput;
  if (alert === undefined || output === undefined) return [];
  return rows.filter((row) => {
    const value = row[output];
    return typeof value === 'number' && value > alert.above;
  });
}
