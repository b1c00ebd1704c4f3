import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { NotFoundError, ValidationError } from '../errors';
import { withErrorResponses } from '../http/withErrorResponses';
import type { StorageClients } from '../storage/StorageClients';
import { couldBeJobId } from './jobIds';
import type { JobStore } from './JobStore';

// Enough of `_errors.jsonl` for a page of rows; the whole report stays in the blob.
const errorBytesRead = 256 * 1024;
const manifestBytesRead = 4 * 1024 * 1024;

/**
 * GET /api/jobs/{id}/output?errors=: a finished job's `_manifest.json` and the first rows of its
 * `_errors.jsonl`. It reads only the two blobs the job's own row names (written by its commit), never a
 * path from the request.
 */
export async function getJobOutput(
  id: string,
  request: HttpRequest,
  services: { jobs: JobStore; storage: StorageClients },
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const top = Number(request.query.get('errors') ?? 50);
    if (!Number.isInteger(top) || top < 0 || top > 1000)
      throw new ValidationError('errors must be a whole number from 0 to 1000.', { field: 'errors' });
    const job = couldBeJobId(id) ? await services.jobs.get(id) : undefined;
    if (!job) throw new NotFoundError(`No job with id '${id.slice(0, 40)}'.`);
    if (!job.manifest) return { status: 200, jsonBody: { jobId: id, status: job.status, errors: [] } };
    const manifestBlob = blobOf(services.storage, job.manifest);
    const errorsBlob = blobOf(services.storage, job.manifest.replace(/_manifest\.json$/, '_errors.jsonl'));
    const [manifest, errors] = await Promise.all([
      readUpTo(manifestBlob, manifestBytesRead),
      top === 0 ? undefined : readUpTo(errorsBlob, errorBytesRead),
    ]);
    const lines = (errors?.text ?? '').split('\n').filter((line) => line.trim() !== '');
    // A cut read may end inside a line: only whole lines are parsed.
    const whole = errors?.complete ? lines : lines.slice(0, -1);
    return {
      status: 200,
      jsonBody: {
        jobId: id,
        status: job.status,
        manifest: manifest ? parsedOrText(manifest.text) : undefined,
        errorsBlob: errors ? `${errorsBlob.containerName}/${errorsBlob.name}` : undefined,
        errors: whole.slice(0, top).map(parsedOrText),
        moreErrors: whole.length > top || errors?.complete === false,
      },
    };
  });
}

function blobOf(storage: StorageClients, reference: string) {
  const [container, ...path] = reference.split('/');
  return storage.container(container ?? '').getBlobClient(path.join('/'));
}

async function readUpTo(
  blob: ReturnType<typeof blobOf>,
  bytes: number,
): Promise<{ text: string; complete: boolean } | undefined> {
  try {
    const response = await blob.download(0, bytes);
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? [])
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const read = Buffer.concat(chunks);
    const total = Number(response.contentRange?.split('/')[1] ?? read.length);
    return { text: read.toString('utf8'), complete: read.length >= total };
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404 || status === 416) return undefined;
    throw error;
  }
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
