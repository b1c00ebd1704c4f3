import { createHash, randomBytes } from 'node:crypto';

/**
 * The job id of a blob version: the same container, name and ETag always give the same id, so a
 * re-fired trigger finds its job instead of starting a second one, and a new version gets a new job.
 */
export function jobIdForBlob(container: string, name: string, etag: string): string {
  const digest = createHash('sha256')
    .update(`${container}\n${name}\n${etag.replace(/"/g, '')}`)
    .digest('hex');
  return `blob-${digest.slice(0, 24)}`;
}

/** A fresh id for a job started over HTTP. */
export function newJobId(): string {
  return `job-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(6).toString('hex')}`;
}

/**
 * Whether `id` can name a job: ids are made of letters, digits and dashes, so anything else (a "/",
 * "#" or control character, which the jobs table cannot even look up) is no job's.
 */
export function couldBeJobId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}
