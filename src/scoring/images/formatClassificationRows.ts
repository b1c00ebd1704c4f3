import { formatFloat32 } from '../../runtime/formats/formatFloat32';

/** One row of an image job's output: an image, one of its top classes and the class's score. */
export interface ClassificationRow {
  readonly path: string;
  /** 1 for the highest score. */
  readonly rank: number;
  readonly label: string;
  readonly index: number;
  readonly score: number;
}

export const classificationColumns = ['path', 'rank', 'label', 'index', 'score'] as const;

/** Rows as CSV (RFC 4180 quoting, LF line ends; the header when asked) or as JSON Lines. */
export function formatClassificationRows(
  rows: readonly ClassificationRow[],
  format: 'csv' | 'jsonl',
  includeHeader: boolean,
): Buffer {
  const lines: string[] = [];
  if (format === 'csv') {
    if (includeHeader) lines.push(classificationColumns.join(','));
    for (const row of rows)
      lines.push(
        [csvField(row.path), row.rank, csvField(row.label), row.index, formatFloat32(row.score)].join(','),
      );
  } else {
    for (const row of rows)
      lines.push(
        `{"path":${JSON.stringify(row.path)},"rank":${row.rank},"label":${JSON.stringify(row.label)},"index":${row.index},"score":${jsonNumber(row.score)}}`,
      );
  }
  return Buffer.from(lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8');
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

/** JSON has no NaN or infinities: such a score is written as null. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? formatFloat32(value) : 'null';
}
