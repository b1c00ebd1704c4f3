import { z } from 'zod';
import { ValidationError } from '../errors';
import { readCsvRecords } from './readCsvRecords';

/** One labelled outcome: the scored row's id, its true label, and where it came from (1-based). */
export interface FeedbackLabel {
  readonly id: string;
  readonly label: string;
  readonly row: number;
}

/** A feedback file or request: which pass-through column holds the ids, and the labels by id. */
export interface FeedbackLabels {
  readonly idColumn: string;
  readonly labels: ReadonlyMap<string, FeedbackLabel>;
}

/**
 * A feedback CSV: a header `<id column>,label` (`id,label` as a rule: the first column names the
 * pass-through column the scored rows carry their ids in) and one row per outcome. Every problem is a
 * ValidationError naming the file, row and field; an id given twice is refused (which would count?).
 */
export async function parseFeedbackCsv(
  bytes: Buffer,
  file: string,
  options: { numericLabels: boolean },
): Promise<FeedbackLabels> {
  let header: string[] | undefined;
  const rows: { id: string; label: string }[] = [];
  let lineRow = 0;
  for await (const fields of readCsvRecords([bytes])) {
    if (header === undefined) {
      header = fields.map((name) => name.trim());
      if (header.length !== 2 || header[0] === '' || header[1] !== 'label')
        throw new ValidationError(
          `${file}: the header must be "<id column>,label" (e.g. "id,label"), not "${header.join(',').slice(0, 200)}".`,
          { file, row: 0 },
        );
      continue;
    }
    lineRow++;
    if (fields.length !== 2)
      throw new ValidationError(
        `${file} row ${lineRow}: ${fields.length} values for 2 columns (id, label).`,
        {
          file,
          row: lineRow,
        },
      );
    rows.push({ id: fields[0]!.trim(), label: fields[1]!.trim() });
  }
  if (header === undefined)
    throw new ValidationError(`${file} is empty: it needs a header "id,label" and rows.`, { file });
  return labelsOf(header[0]!, rows, file, options);
}

const jsonFeedbackSchema = z.strictObject({
  idColumn: z.string().min(1).max(256).default('id'),
  rows: z
    .array(
      z.strictObject({ id: z.union([z.string(), z.number()]), label: z.union([z.string(), z.number()]) }),
    )
    .min(1),
});

/** A JSON feedback body: `{ "idColumn": "id", "rows": [{ "id": "p1", "label": 151 }] }`. */
export function parseFeedbackJson(
  body: unknown,
  file: string,
  options: { numericLabels: boolean },
): FeedbackLabels {
  const parsed = jsonFeedbackSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(body)';
    const row = issue.path[0] === 'rows' && typeof issue.path[1] === 'number' ? issue.path[1] + 1 : undefined;
    throw new ValidationError(`${file} field "${field}": ${issue.message}`, { file, field, row });
  }
  const rows = parsed.data.rows.map((row) => ({
    id: String(row.id).trim(),
    label: String(row.label).trim(),
  }));
  return labelsOf(parsed.data.idColumn, rows, file, options);
}

function labelsOf(
  idColumn: string,
  rows: readonly { id: string; label: string }[],
  file: string,
  options: { numericLabels: boolean },
): FeedbackLabels {
  if (rows.length === 0) throw new ValidationError(`${file} has a header but no rows.`, { file });
  const labels = new Map<string, FeedbackLabel>();
  rows.forEach(({ id, label }, at) => {
    const row = at + 1;
    if (id === '')
      throw new ValidationError(`${file} row ${row}: the id is empty.`, { file, row, field: idColumn });
    if (label === '')
      throw new ValidationError(`${file} row ${row}: the label is empty.`, { file, row, field: 'label' });
    if (options.numericLabels && !Number.isFinite(Number(label)))
      throw new ValidationError(
        `${file} row ${row}: the label "${label.slice(0, 50)}" is not a number (the model is a regression).`,
        { file, row, field: 'label' },
      );
    const earlier = labels.get(id);
    if (earlier)
      throw new ValidationError(
        `${file} row ${row}: id "${id.slice(0, 100)}" is given again (row ${earlier.row}).`,
        {
          file,
          row,
          field: idColumn,
        },
      );
    labels.set(id, { id, label, row });
  });
  return { idColumn, labels };
}
