import type { BlobServiceClient, BlockBlobClient } from '@azure/storage-blob';
import { fromScheduleStatusJson, toScheduleStatusJson, type ScheduleStatus } from './ScheduleStatus';
import { hasStatus } from '../../storage/storageErrors';

export const hostsContainerName = 'azure-webjobs-hosts';

/** Where the host keeps a timer's status: `azure-webjobs-hosts/timers/<hostId>/<timerName>/status`. */
export function scheduleStatusBlobName(hostId: string, timerName: string): string {
  return `timers/${hostId}/${timerName}/status`;
}

/** Reads and writes one timer's schedule status blob in the host's storage. */
export class ScheduleStatusStore {
  readonly #blob: BlockBlobClient;
  #containerReady = false;

  constructor(
    private readonly blobs: BlobServiceClient,
    readonly blobName: string,
  ) {
    this.#blob = blobs.getContainerClient(hostsContainerName).getBlockBlobClient(blobName);
  }

  /** The stored status, or undefined if none was stored yet (or it cannot be read as a status). */
  async read(): Promise<ScheduleStatus | undefined> {
    let text = '';
    try {
      // One GET: downloadToBuffer sizes the blob first and could cut a status rewritten meanwhile.
      const response = await this.#blob.download();
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
      text = Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
    try {
      return fromScheduleStatusJson(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  async write(status: ScheduleStatus): Promise<void> {
    if (!this.#containerReady) {
      await this.blobs.getContainerClient(hostsContainerName).createIfNotExists();
      this.#containerReady = true;
    }
    const body = JSON.stringify(toScheduleStatusJson(status));
    await this.#blob.upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }
}
