import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerClient } from '@azure/storage-blob';
import type { AppFunction, HostServices, TriggerListener } from '../../HostExtension';
import { describeError } from '../../errors';
import type { BlobCandidate, BlobProcessor } from './BlobProcessor';
import type { BlobTriggerPath } from './BlobTriggerPath';
import type { ContainerScan, ScannedBlob } from './ContainerScan';
import { hasCode } from '../../storage/storageErrors';
import { shownName } from './unlistableCharacter';

export interface BlobTriggerListenerOptions {
  readonly fn: AppFunction;
  readonly services: HostServices;
  readonly path: BlobTriggerPath;
  readonly connectionName: string;
  readonly container: ContainerClient;
  /** Lists `container` under the path's prefix, narrowing down pages the service cannot produce. */
  readonly scan: ContainerScan;
  readonly processor: BlobProcessor;
  /** Blobs processed at once (host.json extensions.blobs.maxDegreeOfParallelism). */
  readonly maxParallel: number;
  readonly pollIntervalMs: number;
  /** How long stop() waits for running invocations. */
  readonly stopTimeoutMs: number;
}

/**
 * Polls one container by listing it, like the host's container scan: every blob version (ETag)
 * that matches the path and has no complete receipt is processed, a bounded number at once and
 * never the same blob twice at the same time.
 */
export class BlobTriggerListener implements TriggerListener {
  /** Blob name → the ETag whose receipt is known to be complete. */
  readonly #handled = new Map<string, string>();
  /** Blob name → the latest version seen, waiting for a free slot. */
  readonly #pending = new Map<string, BlobCandidate>();
  readonly #running = new Map<string, { etag: string; done: Promise<void> }>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #stopped = false;
  #lastPollError: string | undefined;
  /** Names whose listing failure was reported, so each is reported once while it exists. */
  readonly #reportedUnlistable = new Set<string>();

  constructor(private readonly options: BlobTriggerListenerOptions) {}

  start(): Promise<void> {
    this.#schedule(0);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#polling;
    this.#pending.clear();
    const running = [...this.#running.values()].map((entry) => entry.done);
    if (running.length === 0) return;
    const finished = await Promise.race([
      Promise.allSettled(running).then(() => true),
      sleep(this.options.stopTimeoutMs, false, { ref: false }),
    ]);
    if (!finished) {
      this.options.services.log.warn(
        `Function '${this.options.fn.name}': stopped while ${this.#running.size} blob invocation(s) still ran; their receipts stay incomplete, so those blobs fire again on the next start.`,
      );
    }
  }

  describe(): string {
    const { path, connectionName } = this.options;
    const shown = path.namePattern === '' ? path.container : `${path.container}/${path.namePattern}`;
    return `blob: ${shown} (connection ${connectionName})`;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#polling = this.#poll().finally(() => {
        if (!this.#stopped) this.#schedule(this.options.pollIntervalMs);
      });
    }, delayMs);
  }

  async #poll(): Promise<void> {
    const { scan, path } = this.options;
    const seen = new Set<string>();
    try {
      for await (const blob of scan.blobs()) {
        if (this.#stopped) return;
        seen.add(blob.name);
        if (blob.unlistable !== undefined) this.#reportUnlistable(blob);
        const etag = quotedETag(blob.etag);
        if (!etag || this.#handled.get(blob.name) === etag) continue;
        if (this.#running.get(blob.name)?.etag === etag) continue;
        const params = path.match(blob.name);
        if (params) this.#pending.set(blob.name, { name: blob.name, etag, params });
      }
      // Forget blobs that are gone, so the maps do not grow without bound.
      for (const name of this.#handled.keys()) if (!seen.has(name)) this.#handled.delete(name);
      for (const name of this.#reportedUnlistable) if (!seen.has(name)) this.#reportedUnlistable.delete(name);
      this.#lastPollError = undefined;
    } catch (error) {
      // A container that does not exist yet is simply empty, as for the host's scan.
      if (!hasCode(error, 'ContainerNotFound')) this.#reportPollError(describeError(error));
    }
    this.#pump();
  }

  #pump(): void {
    for (const [name, candidate] of this.#pending) {
      if (this.#stopped || this.#running.size >= this.options.maxParallel) return;
      if (this.#running.has(name)) continue;
      this.#pending.delete(name);
      if (this.#handled.get(name) === candidate.etag) continue;
      this.#running.set(name, { etag: candidate.etag, done: this.#process(candidate) });
    }
  }

  async #process(candidate: BlobCandidate): Promise<void> {
    const { processor, services, fn, container } = this.options;
    try {
      const outcome = await processor.process(candidate, this.#abort.signal);
      if (outcome === 'done') this.#handled.set(candidate.name, candidate.etag);
    } catch (error) {
      services.log.error(
        `Function '${fn.name}': blob '${container.containerName}/${shownName(candidate.name)}' could not be processed (${describeError(error)}); it will be tried again on the next poll.`,
      );
    } finally {
      this.#running.delete(candidate.name);
      this.#pump();
    }
  }

  #reportPollError(reason: string): void {
    // One line per distinct problem, not one every poll.
    if (reason === this.#lastPollError) return;
    this.#lastPollError = reason;
    const { fn, container, connectionName } = this.options;
    this.options.services.log.warn(
      `Function '${fn.name}': cannot list the container '${container.containerName}' (connection ${connectionName}): ${reason}. Retrying.`,
    );
  }

  #reportUnlistable(blob: ScannedBlob): void {
    if (this.#reportedUnlistable.has(blob.name)) return;
    this.#reportedUnlistable.add(blob.name);
    const { fn, container } = this.options;
    const next = blob.etag
      ? 'The host found it by narrowing the listing down and processes it like any other blob'
      : 'It was deleted meanwhile';
    this.options.services.log.warn(
      `Function '${fn.name}': blob '${container.containerName}/${shownName(blob.name)}' cannot be listed: ${blob.unlistable}. ${next}; rename or delete it to make the container listable again.`,
    );
  }
}

// Listings give ETags bare (0x8D…), HTTP headers quoted ("0x8D…"); receipts use the quoted form, as the host does.
function quotedETag(etag: string | undefined): string | undefined {
  if (!etag) return undefined;
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}
