import type { FeedbackLabel, FeedbackLabels } from './parseFeedback';

/** A finished job whose output carries the id column: what the join reads of it. */
export interface ScoredJob {
  readonly jobId: string;
  /** The model version the job pinned: every row of its output was scored by it. */
  readonly version: number;
  readonly completedTime: string;
  /** The output column holding the prediction the live metric compares with the label. */
  readonly predictionColumn: string;
  /** The output's records, the header first, streamed. */
  readonly records: () => AsyncIterable<string[]>;
}

/** A labelled row joined with the scored row of the same id. */
export interface JoinedRow {
  readonly feedback: FeedbackLabel;
  readonly jobId: string;
  readonly version: number;
  /** The scored output's columns and this row's values, as written by the job. */
  readonly columns: readonly string[];
  readonly values: readonly string[];
  readonly prediction: string;
}

export interface JoinResult {
  /** In the feedback's row order. */
  readonly joined: readonly JoinedRow[];
  /** Labels whose id no job in the window scored, in the feedback's row order. */
  readonly unjoined: readonly FeedbackLabel[];
  /** Jobs whose output was read. */
  readonly jobsRead: number;
}

/**
 * Joins labels with scored rows by id, reading the jobs' outputs one record at a time, newest job
 * first: an id scored again by a later job joins the latest scoring (the prediction that was served
 * last). Memory holds the labels and the joined rows, never a job's output; reading stops as soon as
 * every id has joined.
 */
export async function joinFeedback(
  feedback: FeedbackLabels,
  jobs: readonly ScoredJob[],
): Promise<JoinResult> {
  const newestFirst = [...jobs].sort((a, b) => b.completedTime.localeCompare(a.completedTime));
  const joined = new Map<string, JoinedRow>();
  let jobsRead = 0;
  for (const job of newestFirst) {
    if (joined.size === feedback.labels.size) break;
    jobsRead++;
    let columns: string[] | undefined;
    let idAt = -1;
    let predictionAt = -1;
    for await (const values of job.records()) {
      if (columns === undefined) {
        columns = values;
        idAt = columns.indexOf(feedback.idColumn);
        predictionAt = columns.indexOf(job.predictionColumn);
        if (idAt < 0 || predictionAt < 0) break;
        continue;
      }
      const id = values[idAt];
      const label = id === undefined ? undefined : feedback.labels.get(id.trim());
      if (label === undefined || joined.has(label.id)) continue;
      joined.set(label.id, {
        feedback: label,
        jobId: job.jobId,
        version: job.version,
        columns,
        values,
        prediction: values[predictionAt] ?? '',
      });
      if (joined.size === feedback.labels.size) break;
    }
  }
  const inOrder = [...feedback.labels.values()];
  return {
    joined: inOrder.flatMap((label) => joined.get(label.id) ?? []),
    unjoined: inOrder.filter((label) => !joined.has(label.id)),
    jobsRead,
  };
}
