import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEventFile } from '../../../src/cli/readEventFile';

const work = mkdtempSync(path.join(os.tmpdir(), 'event-file-'));
const file = (name: string, text: string) => {
  const full = path.join(work, name);
  writeFileSync(full, text);
  return full;
};

describe('readEventFile', () => {
  it('reads CSV rows as JSON bodies: decimal cells as numbers (not 007), quoted cells as written, empty cells left out', async () => {
    const csv = 'id,temp,note,code\r\na,1.5,"x, ""y""",007\r\nb,-2e3,"two\nlines",\n\nc,.5,plain,12a\n';
    expect(await readEventFile(file('rows.csv', csv))).toEqual([
      { line: 2, body: { id: 'a', temp: 1.5, note: 'x, "y"', code: '007' } },
      { line: 3, body: { id: 'b', temp: -2000, note: 'two\nlines' } },
      { line: 6, body: { id: 'c', temp: 0.5, note: 'plain', code: '12a' } },
    ]);
  });

  it('reads JSON Lines objects with their line numbers, skipping blank lines', async () => {
    const jsonl = '{"id":"a","n":1}\n\n  {"id":"b","nested":{"x":[1,2]}}  \n';
    expect(await readEventFile(file('rows.jsonl', jsonl))).toEqual([
      { line: 1, body: { id: 'a', n: 1 } },
      { line: 3, body: { id: 'b', nested: { x: [1, 2] } } },
    ]);
  });

  it.each([
    ['head.csv', 'id,,temp\n1,2,3\n', 'head.csv line 1: column 2 of the header has no name.'],
    ['long.csv', 'id,temp\na,1,2\n', "long.csv line 2: 3 values for the header's 2 columns."],
    ['null.jsonl', '{"a":1}\nnull\n', 'null.jsonl line 2: an event must be a JSON object.'],
    ['none.csv', undefined, 'Cannot read {dir}/none.csv: no such file.'],
  ])('%s: a ValidationError naming the file and line', async (name, text, message) => {
    const full = text === undefined ? path.join(work, name) : file(name, text);
    await expect(readEventFile(full)).rejects.toMatchObject({
      name: 'ValidationError',
      message: `${text === undefined ? '' : `${work}/`}${message.replace('{dir}', work)}`,
    });
  });
});
