import { createHash, randomBytes } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import type { VideoJobServices } from './VideoJobServices';
import { styleVideoOrchestrator, type StyleVideoInput } from './videoJobContracts';

/** A fresh id for a video job started over HTTP. */
export function newVideoJobId(): string {
  return `video-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(6).toString('hex')}`;
}

/** The id of a dropped video's version: a re-fired trigger finds its job. */
export function videoJobIdForBlob(container: string, name: string, etag: string): string {
  const digest = createHash('sha256')
    .update(`${container}\n${name}\n${etag.replace(/"/g, '')}`)
    .digest('hex');
  return `video-blob-${digest.slice(0, 24)}`;
}

export function couldBeVideoJobId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}

/**
 * Records the job (Running) and starts its orchestration under the job's id. A second start of the
 * same id (a re-fired trigger) finds the row and starts nothing; returns whether it started.
 */
export async function startVideoJob(
  client: DurableClient,
  services: VideoJobServices,
  input: StyleVideoInput,
  source: 'http' | 'blob',
): Promise<boolean> {
  const created = await services.jobs.create({
    jobId: input.jobId,
    status: 'Running',
    source,
    input: `${input.source.container}/${input.source.blob}`,
    model: input.model,
    createdTime: new Date().toISOString(),
  });
  if (!created) {
    const running = await client.getStatus(input.jobId).catch(() => undefined);
    if (running?.runtimeStatus !== undefined) return false;
  }
  await client.startNew(styleVideoOrchestrator, { instanceId: input.jobId, input });
  return true;
}
