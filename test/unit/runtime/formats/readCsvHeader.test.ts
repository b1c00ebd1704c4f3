import { ValidationError } from '../../../../src/errors';
import { readCsvHeader } from '../../../../src/runtime/formats/readCsvHeader';
import type { CsvOptions } from '../../../../src/runtime/formats/CsvOptions';

describe('readCsvHeader', () => {
  it.each<[string, string | Buffer, CsvOptions, string[]]>([
    ['plain', 'age,sex,bmi\n1,2,3\n', {}, ['age', 'sex', 'bmi']],
    ['CRLF', 'a,b\r\n1,2\r\n', {}, ['a', 'b']],
    ['header only, no line end', 'a,b', {}, ['a', 'b']],
    [
      'quoted names with delimiter, newline and quotes',
      '"a,1","b\nc","say ""hi"""\n',
      {},
      ['a,1', 'b\nc', 'say "hi"'],
    ],
    ['semicolon delimiter', 'a;b;c\n', { delimiter: ';' }, ['a', 'b', 'c']],
    ['custom quote', "'a;b',c\n", { quote: "'" }, ['a;b', 'c']],
    ['UTF-8 byte order mark', Buffer.from('\uFEFFid,x\n'), {}, ['id', 'x']],
    ['leading blank lines', '\n\r\nid,x\n', {}, ['id', 'x']],
    ['non-ASCII names', 'größe,日本\n', {}, ['größe', '日本']],
    ['a quoted name holding a CR', '"a\rb",c\n', {}, ['a\rb', 'c']],
  ])('reads the names: %s', (_case, text, options, names) => {
    expect(readCsvHeader(Buffer.from(text), options)).toEqual(names);
  });

  it.each<[string, string | Buffer, CsvOptions, string, string | undefined]>([
    ['empty file', '', {}, 'the file is empty: expected a header line with the column names', undefined],
    [
      'blank lines only',
      '\n\r\n\n',
      {},
      'the file is empty: expected a header line with the column names',
      undefined,
    ],
    ['byte order mark only', Buffer.from([0xef, 0xbb, 0xbf]), {}, 'the file is empty', undefined],
    ['duplicate names', 'id,x,y,x\n', {}, 'duplicate column name "x" (columns 2 and 4)', 'x'],
    [
      'lines ended by CR alone',
      'id,x\r1,2\r3,4\r',
      {},
      'the header has a carriage return (CR) inside column 2: the lines seem to end with CR alone; save the file with LF or CRLF line ends',
      'column 2',
    ],
    ['empty name', 'id,,y\n', {}, 'column 2 of the header has an empty name', 'column 2'],
    ['trailing delimiter', 'id,y,\n', {}, 'column 3 of the header has an empty name', 'column 3'],
    [
      'unterminated quote',
      'id,"y\n1,2\n',
      {},
      'the header has an unterminated quoted field at column 2',
      'column 2',
    ],
    [
      'invalid UTF-8',
      Buffer.from([0x61, 0x2c, 0xff, 0xfe, 0x0a]),
      {},
      'the header has invalid UTF-8 bytes at column 2',
      'column 2',
    ],
    [
      'no header row',
      'a,b\n',
      { header: false },
      'CSV files without a header row are not supported',
      'header',
    ],
    [
      'two-character delimiter',
      'a,b\n',
      { delimiter: '||' },
      'the CSV delimiter must be one ASCII character',
      'delimiter',
    ],
    [
      'newline delimiter',
      'a,b\n',
      { delimiter: '\n' },
      'the CSV delimiter must be one ASCII character',
      'delimiter',
    ],
    [
      'delimiter equal to quote',
      'a,b\n',
      { delimiter: '"' },
      'the CSV delimiter and quote must differ',
      'delimiter',
    ],
  ])('rejects %s', (_case, text, options, message, field) => {
    const read = (): string[] => readCsvHeader(Buffer.from(text), options);
    expect(read).toThrow(ValidationError);
    expect(read).toThrow(message);
    try {
      read();
    } catch (error) {
      expect((error as ValidationError).details.field).toBe(field);
    }
  });
});
