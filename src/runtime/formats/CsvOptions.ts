import { ValidationError } from '../../errors';

/** CSV dialect of an input or output file (RFC 4180 with a configurable delimiter and quote). */
export interface CsvOptions {
  /** One ASCII character; default ','. */
  readonly delimiter?: string;
  /** Only files with a header row are supported; default true. */
  readonly header?: boolean;
  /** One ASCII character; default '"'. */
  readonly quote?: string;
}

/** The dialect as byte codes, as the parsers compare bytes, never strings. */
export interface CsvSyntax {
  readonly delimiter: number;
  readonly quote: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** Checks the options once and turns them into byte codes. */
export function resolveCsvOptions(options: CsvOptions = {}): CsvSyntax {
  if (options.header === false) {
    throw new ValidationError(
      'CSV files without a header row are not supported (options.header must be true)',
      {
        field: 'header',
      },
    );
  }
  const delimiter = singleByte(options.delimiter ?? ',', 'delimiter');
  const quote = singleByte(options.quote ?? '"', 'quote');
  if (delimiter === quote) {
    throw new ValidationError('the CSV delimiter and quote must differ', { field: 'delimiter' });
  }
  return { delimiter, quote };
}

function singleByte(value: string, field: string): number {
  const code = value.length === 1 ? value.charCodeAt(0) : -1;
  if (code < 0 || code > 0x7f || code === LF || code === CR) {
    throw new ValidationError(
      `the CSV ${field} must be one ASCII character other than CR/LF, got ${JSON.stringify(value)}`,
      {
        field,
      },
    );
  }
  return code;
}
