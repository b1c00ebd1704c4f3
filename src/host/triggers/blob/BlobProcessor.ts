import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { AppFunction, HostServices } from '../../HostExtension';
import { InvocationFailedError } from '../../InvocationPipeline';
import { BlobReceipt } from './BlobReceipt';
import type { BlobTriggerSource } from './blobTriggerSource';
import { blobPoisonQueueName, sendToBlobPoisonQueue } from './sendToBlobPoisonQueue';
import { readBlobVersion } from './readBlobVersion';
import { toBlobTriggerInvocation } from './toBlobTriggerInvocation';
import { shownName } from './unlistableCharacter';

/** A blob version the listener saw that matches the trigger's path. */
export interface BlobCandidate {
  readonly name: string;
  readonly etag: string;
  readonly params: Record<string, string>;
  /** How the host learnt of it: its own container scan, or an Event Grid event (for the log line). */
  readonly detectedBy: BlobTriggerSource;
}

/** `done`: the receipt is complete (never fire this version again); `later`: look again on a later poll. */
export type BlobOutcome = 'done' | 'later';

export interface BlobProcessorOptions {
  readonly fn: AppFunction;
  readonly services: HostServices;
  /** The watched container, in the trigger's own storage account. */
  readonly container: ContainerClient;
  /** Queues of the trigger's storage account (the poison queue lives there, as on Azure). */
  readonly queues: QueueServiceClient;
  /** `azure-webjobs-hosts` in the host's storage account. */
  readonly receipts: ContainerClient;
  readonly maxAttempts: number;
  /** The trigger's connection setting name (named in the reference a deferred binding receives). */
  readonly connectionName: string;
  /** The function binds a reference to the blob (sdkBinding): read its properties, not its bytes. */
  readonly deferred: boolean;
  retryDelayMs(attempt: number): number;
}

/**
 * Runs the function for one blob version under its receipt: the receipt is claimed (created
 * "incomplete", leased), each attempt is counted in it before the function runs, and it is completed
 * after a success or once the blob went to the poison queue. A crash leaves it incomplete, so the
 * blob fires again after a restart: at least once, as on Azure.
 */
export class BlobProcessor {
  readonly #functionId: string;

  constructor(private readonly options: BlobProcessorOptions) {
    this.#functionId = `Host.Functions.${options.fn.name}`;
  }

  async process(candidate: BlobCandidate, signal: AbortSignal): Promise<BlobOutcome> {
    const { services, container } = this.options;
    const name = BlobReceipt.nameFor(
      services.hostId,
      this.#functionId,
      candidate.etag,
      container.containerName,
      candidate.name,
    );
    const receipt = new BlobReceipt(this.options.receipts, name);
    const known = await receipt.read();
    if (known?.completed) {
      this.#logAlreadyProcessed(candidate);
      return 'done';
    }
    if (!known && !(await receipt.tryCreate())) return 'later';
    if (!(await receipt.tryAcquire())) return 'later';
    try {
      // Read again under the lease: another host may have finished it meanwhile.
      const state = await receipt.read();
      if (!state) return 'later';
      if (state.completed) return 'done';
      return await this.#attempt(candidate, receipt, state.attempts, signal);
    } finally {
      await receipt.release();
    }
  }

  async #attempt(
    candidate: BlobCandidate,
    receipt: BlobReceipt,
    attemptsSoFar: number,
    signal: AbortSignal,
  ): Promise<BlobOutcome> {
    const { fn, services, maxAttempts } = this.options;
    let attempts = attemptsSoFar;
    let blobType: string | undefined;
    while (!signal.aborted) {
      if (attempts >= maxAttempts) {
        await this.#poison(candidate, attempts, blobType);
        await receipt.complete();
        return 'done';
      }
      attempts += 1;
      await receipt.recordAttempt(attempts);
      const { container, connectionName, deferred } = this.options;
      const blob = await readBlobVersion(container, candidate.name, candidate.etag, !deferred);
      if (!blob) {
        // Deleted or overwritten since it was listed; a new version gets its own receipt.
        await receipt.complete();
        return 'done';
      }
      blobType = blob.properties.blobType;
      const path = `${blob.container}/${blob.name}`;
      try {
        const reason = `New blob detected(${candidate.detectedBy}): ${shownName(path)}`;
        await services.invoke(fn, toBlobTriggerInvocation(blob, candidate.params, reason, connectionName));
        await receipt.complete();
        return 'done';
      } catch (error) {
        if (!(error instanceof InvocationFailedError)) throw error;
        if (attempts < maxAttempts) await pause(this.options.retryDelayMs(attempts), signal);
      }
    }
    // Stopping: the receipt stays incomplete with its attempts, so the next start carries on.
    return 'later';
  }

  async #poison(candidate: BlobCandidate, attempts: number, knownType: string | undefined): Promise<void> {
    const { container, queues, services, fn } = this.options;
    let blobType = knownType;
    if (!blobType) {
      const properties = await container
        .getBlobClient(candidate.name)
        .getProperties()
        .catch(() => undefined);
      blobType = properties?.blobType;
    }
    await sendToBlobPoisonQueue(queues, {
      Type: 'BlobTrigger',
      FunctionId: this.#functionId,
      BlobType: blobType ?? 'BlockBlob',
      ContainerName: container.containerName,
      BlobName: candidate.name,
      ETag: candidate.etag,
    });
    services.log.warn(
      `Function '${fn.name}' failed ${attempts} time(s) for blob '${container.containerName}/${shownName(candidate.name)}' (ETag ${candidate.etag}): it reached the maximum of ${this.options.maxAttempts} attempts (host.json extensions.queues.maxDequeueCount) and was moved to the queue '${blobPoisonQueueName}'.`,
    );
  }

  #logAlreadyProcessed(candidate: BlobCandidate): void {
    const { services, container, fn } = this.options;
    services.log.host(
      'debug',
      `Blob '${container.containerName}/${shownName(candidate.name)}' (ETag ${candidate.etag}) was already processed by 'Functions.${fn.name}'; skipping it.`,
    );
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted because the host is stopping; the caller's loop sees the signal.
  }
}
