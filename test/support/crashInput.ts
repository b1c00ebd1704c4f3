import { readFileSync } from 'node:fs';
import { parseSimpleCsv, referencePredictions } from './scoringHarness';

/** The crash suites' input, and each row's prediction (straight from onnxruntime) as its id. */
export interface CrashInput {
  readonly csv: string;
  readonly rows: number;
  /** Row index by the exact text the job writes for its prediction. */
  readonly idOf: ReadonlyMap<string, number>;
}

const copies = 16;
const features = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];

/**
 * data/diabetes.csv 16 times over (7,072 rows, 290 KiB: five 64 KiB partitions, three waves of two),
 * with `bp` raised by the copy's number so that every row's prediction differs: a row lost or scored
 * twice then shows by its id, not only as a byte difference.
 */
export function crashInput(): CrashInput {
  const table = parseSimpleCsv(readFileSync('data/diabetes.csv', 'utf8'));
  const bp = table.header.indexOf('bp');
  const rows: string[][] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const row of table.rows)
      rows.push(row.map((value, column) => (column === bp ? String(Number(value) + copy) : value)));
  }
  const csv = [table.header.join(','), ...rows.map((row) => row.join(','))].join('\n') + '\n';
  const columns = features.map((name) => table.header.indexOf(name));
  const featureRows = rows.map((row) => columns.map((column) => Number(row[column])));
  const predictions = referencePredictions('models/diabetes/model.onnx', featureRows).variable ?? [];
  const idOf = new Map(predictions.map((value, index) => [String(value), index]));
  if (idOf.size !== rows.length)
    throw new Error(`crashInput: ${rows.length - idOf.size} predictions repeat; rows need distinct ones.`);
  return { csv, rows: rows.length, idOf };
}

/** Which input rows a predictions CSV holds, in order, and what is wrong with that. */
export function rowIdsOf(input: CrashInput, predictionsCsv: string) {
  const lines = predictionsCsv.trimEnd().split('\n').slice(1);
  const seen = new Map<number, number>();
  let unknown = 0;
  let outOfOrder = 0;
  lines.forEach((line, position) => {
    const id = input.idOf.get(line);
    if (id === undefined) return void unknown++;
    if (id !== position) outOfOrder++;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  });
  const lost = [...input.idOf.values()].filter((id) => !seen.has(id));
  const duplicated = [...seen].filter(([, times]) => times > 1).map(([id]) => id);
  return { rows: lines.length, lost, duplicated, unknown, outOfOrder };
}
