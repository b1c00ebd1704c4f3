import { presentValues } from '../../src/training/computeBaseline';
import { readNumericTable } from '../../src/training/readNumericTable';

/** A numeric CSV with `column` moved by `stds` of its (population) standard deviations: drifted input. */
export function shiftColumn(csv: string, column: string, stds: number): string {
  const values = presentValues(readNumericTable(csv, 'shifted.csv'), column);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  const [header, ...lines] = csv.trim().split('\n');
  const at = header!.split(',').indexOf(column);
  const moved = lines.map((line) =>
    line
      .split(',')
      .map((cell, i) => (i === at ? String(Number(cell) + stds * std) : cell))
      .join(','),
  );
  return [header, ...moved].join('\n') + '\n';
}
