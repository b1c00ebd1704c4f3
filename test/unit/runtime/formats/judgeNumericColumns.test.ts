import { judgeNumericColumns } from '../../../../src/runtime/formats/judgeNumericColumns';
import { parseCsvPartition } from '../../../../src/runtime/formats/parseCsvPartition';
import { parseJsonlPartition } from '../../../../src/runtime/formats/parseJsonlPartition';

/** Judges the columns of a CSV sample (header line first) as the CSV reader does. */
function judgeCsv(text: string): string[] {
  const [head, ...lines] = text.split('\n');
  const header = head!.split(',');
  const bytes = Buffer.from(lines.join('\n'));
  const partition = { index: 0, start: 0, end: bytes.length, firstRow: 1, rows: lines.length };
  return judgeNumericColumns(header, (schema) => parseCsvPartition(bytes, partition, header, schema));
}

describe('judgeNumericColumns', () => {
  it('takes a column as numeric when it holds more numbers than text; empty and huge values count for neither', () => {
    const sample = [
      'id,typo,text,empty,huge,quoted',
      'a,1,x,,1e39,"1.5"',
      'b,2,y,,2,"2"',
      'c,z,3,,1e39,"3"',
    ].join('\n');
    expect(judgeCsv(sample)).toEqual(['typo', 'huge', 'quoted']);
  });

  it('ignores rows bad as a whole, and takes every column as numeric when all sampled rows are', () => {
    expect(judgeCsv('a,b\n1\n2,x\n3,y')).toEqual(['a']);
    expect(judgeCsv('a,b\n1\n2')).toEqual(['a', 'b']);
  });

  it('judges JSON values: numbers and numeric strings are numbers, objects and booleans text', () => {
    const lines = [
      { n: 1, s: '2', o: { v: 1 }, b: true, missing: 1 },
      { n: 2, s: '3', o: [1], b: false },
    ].map((record) => JSON.stringify(record));
    const bytes = Buffer.from(lines.join('\n'));
    const partition = { index: 0, start: 0, end: bytes.length, firstRow: 1, rows: 2 };
    const header = ['n', 's', 'o', 'b', 'missing'];
    const judged = judgeNumericColumns(header, (schema) => parseJsonlPartition(bytes, partition, schema));
    expect(judged).toEqual(['n', 's', 'missing']);
  });

  it('judges 20,000 columns in one parse of the sample', () => {
    const names = Array.from({ length: 20_000 }, (_, index) => `c${index}`);
    const row = names.map((_, index) => (index % 2 === 0 ? '1' : 'x')).join(',');
    const started = Date.now();
    const judged = judgeCsv([names.join(','), row, row, row].join('\n'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(judged).toEqual(names.filter((_, index) => index % 2 === 0));
  });
});
