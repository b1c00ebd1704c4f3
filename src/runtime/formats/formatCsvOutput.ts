import type { PredictionColumn, ScoringBatch } from './ScoringBatch';
import { resolveCsvOptions, type CsvOptions } from './CsvOptions';
import { layoutOutput, predictionText } from './layoutOutput';
import { TextOutput } from './TextOutput';

/** How one partition's scored rows are written. */
export interface OutputOptions {
  /** Only the first partition's output carries the header, so that the parts concatenate into one file. */
  readonly includeHeader: boolean;
  /** Names of the batch's pass-through columns, in the batch's order. */
  readonly passThroughColumns: readonly string[];
}

export interface CsvOutputOptions extends OutputOptions, CsvOptions {}

/**
 * The good rows of a batch as CSV: pass-through columns, then one column per prediction value.
 * Every line ends with LF; fields holding the delimiter, the quote, CR or LF are quoted. A float that
 * is not finite is written as an empty field.
 */
export function formatCsvOutput(
  batch: ScoringBatch,
  predictions: readonly PredictionColumn[],
  options: CsvOutputOptions,
): Buffer {
  const layout = layoutOutput(batch, predictions, options.passThroughColumns);
  const syntax = resolveCsvOptions(options);
  const delimiter = String.fromCharCode(syntax.delimiter);
  const quote = String.fromCharCode(syntax.quote);
  const quoteText = csvQuoter(delimiter, quote);
  // An empty line would be skipped as blank by readers (ours too): a lone empty field is quoted.
  const nonBlank = (line: string): string => (line === '' ? quote + quote : line);
  const output = new TextOutput();
  if (options.includeHeader) output.append(`${nonBlank(layout.names.map(quoteText).join(delimiter))}\n`);
  for (let row = 0; row < batch.rowCount; row++) {
    let line = '';
    let separator = '';
    for (const column of batch.passThrough) {
      line += separator + quoteText(column[row]!);
      separator = delimiter;
    }
    for (const field of layout.predictions) {
      line += separator + (predictionText(field, row) ?? '');
      separator = delimiter;
    }
    output.append(`${nonBlank(line)}\n`);
  }
  return output.toBuffer();
}

/** Quotes a value only when it must be: RFC 4180, the quote doubled inside. */
function csvQuoter(delimiter: string, quote: string): (text: string) => string {
  const special = new RegExp(`[${escapeRegExp(delimiter)}${escapeRegExp(quote)}\\r\\n]`);
  const quotes = new RegExp(escapeRegExp(quote), 'g');
  return (text) => (special.test(text) ? quote + text.replace(quotes, quote + quote) + quote : text);
}

function escapeRegExp(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
