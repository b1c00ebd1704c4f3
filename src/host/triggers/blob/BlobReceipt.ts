import type { BlobLeaseClient, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { hasCode, hasStatus } from '../../storage/storageErrors';
import { listableForm } from './unlistableCharacter';

/** The container where the Functions host keeps receipts, locks and scan status. */
export const hostsContainerName = 'azure-webjobs-hosts';

// The real host marks an unfinished receipt by the presence of this key (its value repeats the key).
const incompleteKey = 'Incomplete';
// Our addition: attempts survive a restart, as a queue message's dequeue count does on Azure.
const attemptsKey = 'Attempts';
// The shortest lease Azure Storage grants; renewed while the function runs, so a crash frees it soon.
const leaseSeconds = 15;
const renewEveryMs = 5_000;

export interface ReceiptState {
  readonly completed: boolean;
  readonly attempts: number;
}

/**
 * The receipt of one blob version (ETag) for one function, named as the real host names it:
 * `blobreceipts/<hostId>/<functionId>/<ETag>/<container>/<blob name>` in `azure-webjobs-hosts`.
 * "Incomplete" before the function has succeeded; complete once it has (or the blob was poisoned).
 */
export class BlobReceipt {
  readonly #blob: BlockBlobClient;
  #lease: BlobLeaseClient | undefined;
  #renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly hosts: ContainerClient,
    readonly name: string,
  ) {
    this.#blob = hosts.getBlockBlobClient(name);
  }

  /** The receipt's name for a blob version, e.g. `blobreceipts/h1/Host.Functions.f/"0x8D…"/input/a.csv`. */
  static nameFor(
    hostId: string,
    functionId: string,
    etag: string,
    container: string,
    blobName: string,
  ): string {
    // The ETag comes before the blob name, which may itself contain slashes. A character no listing can
    // carry is percent-encoded, so the receipt does not make azure-webjobs-hosts unlistable too; the ETag
    // keeps such a receipt apart from that of a blob really named with the percent sequence.
    return `blobreceipts/${hostId}/${functionId}/${etag}/${container}/${listableForm(blobName)}`;
  }

  /** The receipt's state, or undefined when there is none yet. */
  async read(): Promise<ReceiptState | undefined> {
    try {
      const properties = await this.#blob.getProperties();
      return stateOf(properties.metadata ?? {});
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Creates an incomplete receipt; false when another host created it first. */
  async tryCreate(createContainer = true): Promise<boolean> {
    try {
      await this.#blob.upload('', 0, {
        metadata: { [incompleteKey]: incompleteKey, [attemptsKey]: '0' },
        conditions: { ifNoneMatch: '*' },
      });
      return true;
    } catch (error) {
      if (createContainer && hasCode(error, 'ContainerNotFound')) {
        await this.hosts.createIfNotExists();
        return this.tryCreate(false);
      }
      if (hasStatus(error, 409) || hasStatus(error, 412)) return false;
      throw error;
    }
  }

  /** Takes the receipt's lease (renewed until release); false when another host holds it. */
  async tryAcquire(): Promise<boolean> {
    const lease = this.#blob.getBlobLeaseClient();
    try {
      await lease.acquireLease(leaseSeconds);
    } catch (error) {
      if (hasCode(error, 'LeaseAlreadyPresent') || hasStatus(error, 404)) return false;
      throw error;
    }
    this.#lease = lease;
    this.#renewal = setInterval(() => {
      // A lost renewal surfaces when the receipt is next written (the lease condition fails).
      lease.renewLease().catch(() => undefined);
    }, renewEveryMs);
    this.#renewal.unref();
    return true;
  }

  /** Records the start of one more attempt (before the function runs, so a crash counts too). */
  async recordAttempt(attempts: number): Promise<void> {
    await this.#blob.setMetadata(
      { [incompleteKey]: incompleteKey, [attemptsKey]: String(attempts) },
      { conditions: { leaseId: this.#lease?.leaseId } },
    );
  }

  /** Marks the blob version as done for this function: it never fires again for this ETag. */
  async complete(): Promise<void> {
    await this.#blob.setMetadata({}, { conditions: { leaseId: this.#lease?.leaseId } });
  }

  /** Stops renewing and releases the lease, so another host (or a retry) may take the receipt. */
  async release(): Promise<void> {
    clearInterval(this.#renewal);
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.releaseLease().catch(() => undefined);
  }
}

function stateOf(metadata: Record<string, string>): ReceiptState {
  const keys = Object.keys(metadata);
  const find = (name: string) => keys.find((key) => key.toLowerCase() === name.toLowerCase());
  const attempts = Number(metadata[find(attemptsKey) ?? ''] ?? 0);
  return {
    completed: find(incompleteKey) === undefined,
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 0,
  };
}
