import { randomUUID } from 'node:crypto';
import type { BlobLeaseClient, BlobServiceClient, BlockBlobClient } from '@azure/storage-blob';
import { hostsContainerName } from './ScheduleStatusStore';

/** Where the host keeps a listener's singleton lock: `azure-webjobs-hosts/locks/<hostId>/<timerName>.Listener`. */
export function listenerLockBlobName(hostId: string, timerName: string): string {
  return `locks/${hostId}/${timerName}.Listener`;
}

/** Renewing failed because another owner holds the lease now (or it expired and was taken). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** A lease on a lock blob, as the WebJobs SDK's blob lease lock manager takes it (blob created on demand). */
export class BlobLease {
  readonly #blob: BlockBlobClient;
  readonly #lease: BlobLeaseClient;

  constructor(
    private readonly blobs: BlobServiceClient,
    readonly blobName: string,
    private readonly periodSeconds: number,
  ) {
    this.#blob = blobs.getContainerClient(hostsContainerName).getBlockBlobClient(blobName);
    this.#lease = this.#blob.getBlobLeaseClient(randomUUID());
  }

  /** Takes the lease if nobody holds it; false if another owner does. */
  async tryAcquire(): Promise<boolean> {
    try {
      await this.#lease.acquireLease(this.periodSeconds);
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) return false;
      if (status !== 404) throw error;
    }
    await this.#createLockBlob();
    try {
      await this.#lease.acquireLease(this.periodSeconds);
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async renew(): Promise<void> {
    try {
      await this.#lease.renewLease();
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412 || status === 404) {
        throw new LeaseLostError(
          `The lease on ${hostsContainerName}/${this.blobName} was lost (HTTP ${status}).`,
        );
      }
      throw error;
    }
  }

  /** Gives the lease up; a lease that is already gone is fine. */
  async release(): Promise<void> {
    try {
      await this.#lease.releaseLease();
    } catch (error) {
      const status = statusOf(error);
      if (status !== 409 && status !== 412 && status !== 404) throw error;
    }
  }

  async #createLockBlob(): Promise<void> {
    await this.blobs.getContainerClient(hostsContainerName).createIfNotExists();
    try {
      await this.#blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (error) {
      // Another host created it first (and may already hold the lease).
      const status = statusOf(error);
      if (status !== 409 && status !== 412) throw error;
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}
