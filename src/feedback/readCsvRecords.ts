import { StringDecoder } from 'node:string_decoder';

/**
 * The records of RFC 4180 CSV text arriving in chunks (a blob's download stream), each as its fields:
 * a quoted field may hold the delimiter, doubled quotes and line breaks. Records end at LF (a CR before
 * it is dropped); blank lines are skipped. Only the record being read is held, so a file of any size
 * streams through.
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<string[]> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  /** The field started with a quote (so an empty quoted field still makes a record). */
  let started = false;
  let afterQuote = false;
  // A character's bytes may be split between two chunks: the decoder holds them until whole.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (quoted) {
        if (char !== '"') field += char;
        else if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          // A quote ending the chunk may be the first of a doubled quote: the next chunk tells.
          afterQuote = i + 1 === text.length;
        }
        continue;
      }
      if (afterQuote && char === '"') {
        field += '"';
        quoted = true;
        afterQuote = false;
        continue;
      }
      afterQuote = false;
      if (char === '"' && field === '') {
        quoted = true;
        started = true;
      } else if (char === ',') {
        fields.push(field);
        field = '';
        started = false;
      } else if (char === '\n') {
        if (field.endsWith('\r')) field = field.slice(0, -1);
        if (fields.length > 0 || field !== '' || started) yield [...fields, field];
        fields = [];
        field = '';
        started = false;
      } else field += char;
    }
  }
  if (field.endsWith('\r')) field = field.slice(0, -1);
  if (fields.length > 0 || field !== '' || started) yield [...fields, field];
}

/** One CSV field: quoted only when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
