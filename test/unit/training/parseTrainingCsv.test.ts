import { ValidationError } from '../../../src/errors';
import { parseTrainingCsv } from '../../../src/training/retrain/parseTrainingCsv';
import type { TrainingTable } from '../../../src/training/TrainingTable';

// parseTrainingCsv reads with indexOf in one pass; this is the plain reading it must agree with
// (split into lines, then fields), run on generated texts with every oddity the format allows.

function referenceParse(text: string, file: string, only?: readonly string[]): TrainingTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((name) => name.trim());
  if (lines.length === 0 || header.every((name) => name === ''))
    throw new ValidationError(`${file} is empty: it needs a header line and data rows.`, { file });
  const missing = only?.find((name) => !header.includes(name));
  if (missing !== undefined)
    throw new ValidationError(`${file} has no column "${missing}" (columns: ${header.join(', ')})`, {
      file,
      field: missing,
    });
  const kept = header.flatMap((name, at) => (only === undefined || only.includes(name) ? [at] : []));
  const rows = lines.length - 1;
  const values = kept.map(() => new Array<number | string | null>(rows));
  for (let r = 0; r < rows; r++) {
    const fields = lines[r + 1]!.split(',');
    if (fields.length !== header.length)
      throw new ValidationError(
        `${file} row ${r + 1}: ${fields.length} values for ${header.length} columns (${header.join(', ')})`,
        { file, row: r + 1 },
      );
    kept.forEach((at, c) => {
      const field = fields[at]!;
      const number = Number(field);
      values[c]![r] =
        Number.isFinite(number) && (number !== 0 || field.trim() !== '')
          ? number
          : field.trim() === ''
            ? null
            : field.trim();
    });
  }
  return { columns: kept.map((at) => header[at]!), values, rows };
}

/** A table's cells as plain arrays (a float64 column's NaN as null), to compare the two readings. */
function cells(table: TrainingTable) {
  return {
    columns: table.columns,
    rows: table.rows,
    values: table.values.map((column) =>
      Array.from(column as ArrayLike<number | string | null>, (cell) =>
        typeof cell === 'number' && Number.isNaN(cell) ? null : cell,
      ),
    ),
  };
}

function outcome(read: () => TrainingTable) {
  try {
    return { table: cells(read()) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const pieces = ['1', '0', '-0.5', ' 7 ', '', '  ', '1e3', 'x', ' b ', '2015-01-05', '0x1F', 'Infinity', '00'];
const lineEnds = ['\n', '\r\n'];

function generatedText(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const width = 1 + Math.floor(next() * 4);
  const header = Array.from({ length: width }, (_, i) => (next() < 0.2 ? ` c${i} ` : `c${i}`));
  let text = header.join(',') + pick(lineEnds);
  const rows = Math.floor(next() * 6);
  for (let r = 0; r < rows; r++) {
    // Now and then a row with a field too many or too few, or a blank line.
    const fields = next() < 0.08 ? width + (next() < 0.5 ? 1 : -1) : width;
    text += next() < 0.05 ? '' : Array.from({ length: Math.max(0, fields) }, () => pick(pieces)).join(',');
    text += pick(lineEnds);
  }
  if (next() < 0.5) text = text.replace(/\r?\n$/, '');
  if (next() < 0.3) text += pick(['\n', '\r\n', '  \n', '\n\n', ' ']);
  return text;
}

describe('parseTrainingCsv agrees with the plain split-based reading', () => {
  it('on 3,000 generated texts (line ends, blanks, text, ragged and blank rows), with and without `only`', () => {
    const next = random(7);
    for (let i = 0; i < 3000; i++) {
      const text = generatedText(next);
      const only = next() < 0.5 ? undefined : ['c0'];
      const context = JSON.stringify({ text, only });
      expect({ context, ...outcome(() => parseTrainingCsv(text, 'data.csv', only)) }).toEqual({
        context,
        ...outcome(() => referenceParse(text, 'data.csv', only)),
      });
    }
  });

  it.each([[''], ['\n'], ['  \r\n\n'], ['a'], ['a\n'], ['a\r\n1\r\n'], ['a,b\n1,2\r\n\r\n  \n']])(
    '%j',
    (text) => {
      expect(outcome(() => parseTrainingCsv(text, 'f.csv'))).toEqual(
        outcome(() => referenceParse(text, 'f.csv')),
      );
    },
  );
});
