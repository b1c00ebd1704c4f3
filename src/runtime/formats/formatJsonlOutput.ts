import type { PredictionColumn, ScoringBatch } from './ScoringBatch';
import type { OutputOptions } from './formatCsvOutput';
import { layoutOutput, predictionText } from './layoutOutput';
import { TextOutput } from './TextOutput';

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
  const output = new TextOutput();
  for (let row = 0; row < batch.rowCount; row++) {
    let line = '';
    for (let i = 0; i < batch.passThrough.length; i++)
      line += keys[i]! + jsonString(batch.passThrough[i]![row]!);
    for (let i = 0; i < layout.predictions.length; i++) {
      line += predictionKeys[i]! + (predictionText(layout.predictions[i]!, row) ?? 'null');
    }
    output.append(line === '' ? '{}\n' : `${line}}\n`);
  }
  return output.toBuffer();
}

/** Most pass-through values (ids) need no escaping: quoting them directly is cheaper than JSON.stringify. */
function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Controls, '"', '\\' and surrogates (lone ones are escaped by JSON.stringify).
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}
