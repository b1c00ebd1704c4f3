import type { PredictionColumn, ScoringBatch } from '../ScoringBatch';
import type { OutputOptions } from './formatCsvOutput';
import { layoutOutput, predictionText } from './layoutOutput';

/**
 * The good rows of a batch as JSON Lines: one object per row with the pass-through columns as strings
 * and the prediction columns as numbers (null when not finite). JSON Lines has no header, so
 * `includeHeader` changes nothing; outputs of consecutive partitions concatenate into one file.
 */
export function formatJsonlOutput(
  batch: ScoringBatch,
  predictions: readonly PredictionColumn[],
  options: OutputOptions,
): Buffer {
  const layout = layoutOutput(batch, predictions, options.passThroughColumns);
  // Keys are serialized once; each row only adds its values.
  const keys = layout.names.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`);
  const predictionKeys = keys.slice(batch.passThrough.length);
  const lines: string[] = [];
  for (let row = 0; row < batch.rowCount; row++) {
    let line = '';
    batch.passThrough.forEach((column, i) => (line += keys[i]! + JSON.stringify(column[row])));
    layout.predictions.forEach(
      (field, i) => (line += predictionKeys[i]! + (predictionText(field, row) ?? 'null')),
    );
    lines.push(line === '' ? '{}' : `${line}}`);
  }
  return Buffer.from(lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8');
}
