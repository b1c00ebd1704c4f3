import { ValidationError } from '../../errors';

/**
 * A model's joined feedback set (labelled rows joined with the scored rows, as CSV): implemented by the
 * feedback feature, wired in at the composition root.
 */
export interface FeedbackSetReader {
  joinedSet(model: string): Promise<{ bytes: Buffer; rows: number }>;
}

/** The model whose feedback a run trains on, and where its joined set is read from. */
export interface FeedbackSource {
  readonly model: string;
  readonly reader?: FeedbackSetReader;
}

/** The bytes of a `{ feedback: { minRows } }` training source: refused below `minRows` joined rows. */
export async function readFeedbackSource(
  declared: { minRows?: number },
  source: FeedbackSource | undefined,
): Promise<Buffer> {
  if (source?.reader === undefined)
    throw new ValidationError('retraining.source.feedback: this app has no feedback set to read.', {
      field: 'retraining.source.feedback',
    });
  const { bytes, rows } = await source.reader.joinedSet(source.model);
  const minRows = declared.minRows ?? 1;
  if (rows < minRows)
    throw new ValidationError(
      `retraining.source.feedback: model ${source.model} has ${rows} joined feedback row(s), fewer than the ${minRows} it asks for (minRows).`,
      { field: 'retraining.source.feedback.minRows' },
    );
  return bytes;
}
