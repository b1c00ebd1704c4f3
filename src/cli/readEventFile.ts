import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../errors';

/** One event body read from a file, with the 1-based line it starts on (for messages). */
export interface FileEvent {
  readonly body: Record<string, unknown>;
  readonly line: number;
}

// A CSV cell that is a plain decimal number becomes a JSON number; anything else stays text, including
// numbers with leading zeros (codes such as "007").
const decimal = /^-?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Reads a `.csv` (header line, then rows; `"` quoting) or `.jsonl` file as event bodies, whole, before
 * anything is sent, so a bad row stops the replay before its first event. Errors name the file and line.
 */
export async function readEventFile(file: string): Promise<FileEvent[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ValidationError(
      `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`,
      { file },
    );
  });
  const extension = path.extname(file).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return readJsonLines(text, file);
  if (extension === '.csv') return readCsv(text, file);
  throw new ValidationError(`${file}: events are read from .csv or .jsonl files, not "${extension}".`, {
    file,
  });
}

function readJsonLines(text: string, file: string): FileEvent[] {
  const events: FileEvent[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let body: unknown;
    try {
      body = JSON.parse(line);
    } catch (error) {
      throw new ValidationError(`${file} line ${index + 1}: not JSON (${(error as Error).message}).`, {
        file,
        row: index + 1,
      });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ValidationError(`${file} line ${index + 1}: an event must be a JSON object.`, {
        file,
        row: index + 1,
      });
    events.push({ body: body as Record<string, unknown>, line: index + 1 });
  });
  return events;
}

function readCsv(text: string, file: string): FileEvent[] {
  const records = splitCsvRecords(text, file);
  const header = records.shift();
  if (header === undefined) return [];
  const columns = header.cells.map((name) => name.trim());
  const blank = columns.findIndex((name) => name === '');
  if (blank >= 0)
    throw new ValidationError(`${file} line 1: column ${blank + 1} of the header has no name.`, {
      file,
      row: 1,
    });
  return records.map(({ cells, line }) => {
    if (cells.length !== columns.length)
      throw new ValidationError(
        `${file} line ${line}: ${cells.length} values for the header's ${columns.length} columns.`,
        { file, row: line },
      );
    const body: Record<string, unknown> = {};
    // An empty cell is a missing field, as the stream's schema sees it.
    cells.forEach((cell, column) => {
      if (cell !== '') body[columns[column]!] = decimal.test(cell) ? Number(cell) : cell;
    });
    return { body, line };
  });
}

/** Splits CSV text into records of cells; quoted cells may hold commas, quotes ("") and line breaks. */
function splitCsvRecords(text: string, file: string): { cells: string[]; line: number }[] {
  const records: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0]!.trim() !== '') records.push({ cells, line: startLine });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\n') line++;
    if (quoted) {
      if (char !== '"') cell += char;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (char === '"' && cell === '') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n') {
      endRecord();
      startLine = line;
    } else if (char !== '\r') {
      cell += char;
    }
  }
  if (quoted)
    throw new ValidationError(`${file} line ${startLine}: a quoted value is not closed.`, {
      file,
      row: startLine,
    });
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}
