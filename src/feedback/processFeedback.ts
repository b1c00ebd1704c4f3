import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import type { ModelCard } from '../runtime/models/ModelCard';
import { findScoredJobs } from './findScoredJobs';
import type { FeedbackBatch } from './FeedbackStore';
import type { FeedbackServices } from './FeedbackServices';
import { formatJoinedSet } from './formatJoinedSet';
import { joinFeedback, type JoinedRow } from './joinFeedback';
import { addToSums, defaultLiveMetric, emptySums, type MetricSums } from './liveMetrics';
import { parseFeedbackCsv, parseFeedbackJson } from './parseFeedback';
import { recordLiveMetric } from './recordLiveMetric';

/** A feedback file or request body as received. */
export interface FeedbackDelivery {
  readonly model: string;
  readonly bytes: Buffer;
  readonly format: 'csv' | 'json';
  /** `blob <container>/<name>` or `http`, for the batch row and messages. */
  readonly source: string;
  readonly receivedTime: string;
}

/** The batch's row, and whether it had been joined before (a re-delivery changes nothing). */
export interface FeedbackOutcome {
  readonly batch: FeedbackBatch;
  readonly alreadyJoined: boolean;
}

/**
 * Joins a feedback batch with the scored rows of its model and records the outcome: the joined rows
 * (a blob retraining reads), the live metric sums per version in the batch's hour, and the batch row
 * with its counts (unjoined ids counted and listed, never dropped silently). A batch is its bytes'
 * SHA-256: the same file delivered again (a re-fired trigger, a retried request) finds its row Joined
 * and counts nothing twice; one stopped half-way is joined again into the same rows and blob.
 */
export async function processFeedback(
  delivery: FeedbackDelivery,
  services: FeedbackServices,
): Promise<FeedbackOutcome> {
  const { model, bytes, source } = delivery;
  if (bytes.length > services.maxBytes)
    throw new ValidationError(
      `${source}: ${bytes.length} bytes is over the ${services.maxBytes}-byte limit of a feedback batch (FEEDBACK_MAX_BYTES); split it.`,
      { file: source },
    );
  const card = (await services.models.resolve({ name: model })).card;
  const task = card?.task ?? 'regression';
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const claimed = await services.store.claim({
    model,
    sha256,
    status: 'Joining',
    source,
    receivedTime: delivery.receivedTime,
  });
  if (claimed.batch.status === 'Joined') return { batch: claimed.batch, alreadyJoined: true };
  const batch = { ...claimed.batch, source };
  try {
    const options = { numericLabels: task === 'regression' };
    const labels =
      delivery.format === 'csv'
        ? await parseFeedbackCsv(bytes, source, options)
        : parseFeedbackJson(parseJson(bytes, source), source, options);
    const scored = await findScoredJobs(services, {
      model,
      idColumn: labels.idColumn,
      until: batch.receivedTime,
      windowDays: services.windowDays,
    });
    const result = await joinFeedback(labels, scored.jobs);
    const joinedSet = `${model}/${sha256}.csv`;
    if (result.joined.length > 0)
      await services.store.writeJoinedSet(joinedSet, formatJoinedSet(result.joined, targetOf(card)));
    const sums = sumsPerVersion(result.joined, task);
    const bucket = hourOf(batch.receivedTime);
    await services.store.saveMetrics(
      [...sums].map(([version, sum]) => ({ model, version, bucket, batch: sha256, ...sum })),
    );
    recordLiveMetric(model, sums, defaultLiveMetric(task));
    const finished: FeedbackBatch = {
      ...batch,
      status: 'Joined',
      completedTime: new Date().toISOString(),
      rows: labels.labels.size,
      joined: result.joined.length,
      unjoined: result.unjoined.length,
      unjoinedIds: result.unjoined.slice(0, 20).map((label) => label.id),
      versions: Object.fromEntries([...sums].map(([version, sum]) => [String(version), sum.n])),
      jobsRead: result.jobsRead,
      ...(result.joined.length > 0 ? { joinedSet } : {}),
      ...(scored.notJoinable > 0
        ? {
            reason: `${scored.notJoinable} finished job(s) of ${model} in the window have no "${labels.idColumn}" column in a CSV output (output.passThrough) and were not searched.`,
          }
        : {}),
    };
    await services.store.finish(finished);
    return { batch: finished, alreadyJoined: false };
  } catch (error) {
    if (error instanceof ValidationError)
      await services.store.finish({ ...batch, status: 'Failed', reason: error.message });
    throw error;
  }
}

/** The label column of the joined set: the card's retraining or training target, else `label`. */
function targetOf(card: ModelCard | undefined): string {
  const declared = (card?.retraining as { target?: unknown } | undefined)?.target ?? card?.training?.target;
  return typeof declared === 'string' && declared !== '' ? declared : 'label';
}

function sumsPerVersion(rows: readonly JoinedRow[], task: 'regression' | 'classification') {
  const sums = new Map<number, MetricSums>();
  for (const row of rows) {
    let sum = sums.get(row.version);
    if (!sum) sums.set(row.version, (sum = emptySums()));
    addToSums(sum, row.feedback.label, row.prediction, task);
  }
  return new Map([...sums].sort(([a], [b]) => a - b));
}

/** `YYYY-MM-DDTHH:00:00.000Z` of a time. */
export function hourOf(time: string): string {
  return `${new Date(time).toISOString().slice(0, 13)}:00:00.000Z`;
}

function parseJson(bytes: Buffer, source: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ValidationError(
      `${source}: the body is not JSON; send { "rows": [{ "id": ..., "label": ... }] } or CSV.`,
      {
        file: source,
        field: '(body)',
      },
    );
  }
}
