import { z } from 'zod';
import type { JobStore } from '../scoring';
import type { StorageClients } from '../storage/StorageClients';
import type { ScoredJob } from './joinFeedback';
import { readCsvRecords } from './readCsvRecords';

// What the join reads of a job's _manifest.json: the pinned version, where the CSV output is, its columns.
const manifestSchema = z.looseObject({
  model: z.looseObject({ version: z.number().int().positive().optional() }).optional(),
  output: z.looseObject({
    container: z.string(),
    format: z.string(),
    predictions: z.string().optional(),
    passThroughColumns: z.array(z.string()).default([]),
    outputs: z.array(z.looseObject({ name: z.string() })).default([]),
  }),
});

/** The jobs a batch may join with, and how many finished jobs in the window could not take part. */
export interface ScoredJobs {
  readonly jobs: readonly ScoredJob[];
  /** Finished jobs of the model without the id column, or not one version with a CSV output. */
  readonly notJoinable: number;
}

/**
 * The finished jobs of `model` completed within the window up to `until` whose CSV output carries the
 * id column (`output.passThrough`) and was scored by one pinned version: their rows are read only when
 * the join streams them.
 */
export async function findScoredJobs(
  where: { jobs: JobStore; storage: StorageClients },
  request: { model: string; idColumn: string; until: string; windowDays: number },
): Promise<ScoredJobs> {
  const since = new Date(Date.parse(request.until) - request.windowDays * 86_400_000).toISOString();
  const finished = (await where.jobs.completedFor(request.model, since)).filter(
    // Not after the batch arrived: its labels are of predictions already served, and a batch joined
    // again after a crash reads the same jobs.
    (job) =>
      ['Succeeded', 'PartiallySucceeded'].includes(job.status) &&
      job.manifest !== undefined &&
      job.completedTime! <= request.until,
  );
  const jobs: ScoredJob[] = [];
  for (const job of finished) {
    const manifest = await readManifest(where.storage, job.manifest!);
    const output = manifest?.output;
    const version = manifest?.model?.version;
    const predictionColumn = output?.outputs[0]?.name;
    if (
      output === undefined ||
      version === undefined ||
      predictionColumn === undefined ||
      output.format !== 'csv' ||
      output.predictions === undefined ||
      !output.passThroughColumns.includes(request.idColumn)
    )
      continue;
    const blob = where.storage.container(output.container).getBlobClient(output.predictions);
    jobs.push({
      jobId: job.jobId,
      version,
      completedTime: job.completedTime!,
      predictionColumn,
      records: async function* () {
        const download = await blob.download();
        yield* readCsvRecords(download.readableStreamBody as AsyncIterable<Buffer>);
      },
    });
  }
  return { jobs, notJoinable: finished.length - jobs.length };
}

async function readManifest(storage: StorageClients, path: string) {
  const slash = path.indexOf('/');
  try {
    const bytes = await storage
      .container(path.slice(0, slash))
      .getBlobClient(path.slice(slash + 1))
      .downloadToBuffer();
    const parsed = manifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    // An output removed since: nothing of it can join.
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
