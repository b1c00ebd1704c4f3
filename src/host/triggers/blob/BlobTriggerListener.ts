import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerClient } from '@azure/storage-blob';
import type { AppFunction, HostServices, TriggerListener } from '../../HostExtension';
import { describeError } from '../../errors';
import type { BlobCandidate, BlobProcessor } from './BlobProcessor';
import type { BlobTriggerSource } from './blobTriggerSource';
import type { BlobTriggerPath } from './BlobTriggerPath';
import type { ContainerScan, ScannedBlob } from './ContainerScan';
import { hasCode } from '../../storage/storageErrors';
import { shownName } from './unlistableCharacter';
import { blobWebhookPath, type BlobEventTarget } from './blobWebhook';

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
  /** The trigger's `source`: with `EventGrid`, blobs also arrive from the blobs webhook (receive). */
  readonly source: BlobTriggerSource;
  /** Whether the container is scanned: always for the scan source; for Event Grid, unless turned off. */
  readonly scanning: boolean;
  /** How long stop() waits for running invocations. */
  readonly stopTimeoutMs: number;
}

/**
 * Polls one container by listing it, like the host's container scan: every blob version (ETag)
 * that matches the path and has no complete receipt is processed, a bounded number at once and
 * never the same blob twice at the same time. An Event Grid trigger also takes blobs from events
 * (`receive`), through the same queue, receipts and retries.
 */
export class BlobTriggerListener implements TriggerListener, BlobEventTarget {
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

  get source(): BlobTriggerSource {
    return this.options.source;
  }

  get functionName(): string {
    return this.options.fn.name;
  }

  get account(): string | undefined {
    return this.options.container.accountName || undefined;
  }

  start(): Promise<void> {
    if (this.options.scanning) this.#schedule(0);
    return Promise.resolve();
  }

  /**
   * A blob an event announced: queued like a scanned one if it is in the watched container and
   * matches the path; otherwise (or once stopped) the reason it is not.
   */
  receive(blob: { container: string; name: string; etag: string }): string | undefined {
    const { container, path, fn } = this.options;
    const shown = `'${blob.container}/${shownName(blob.name)}'`;
    if (this.#stopped) return `blob ${shown}: the host is stopping`;
    if (blob.container !== container.containerName)
      return `blob ${shown} is not in the container '${container.containerName}' that '${fn.name}' watches`;
    const params = path.match(blob.name);
    if (!params) return `blob ${shown} does not match the path '${path.namePattern}' of '${fn.name}'`;
    if (this.#running.get(blob.name)?.etag !== blob.etag)
      this.#pending.set(blob.name, { name: blob.name, etag: blob.etag, params, detectedBy: 'EventGrid' });
    this.#pump();
    return undefined;
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
    const { path, connectionName, source, scanning, fn, services } = this.options;
    const shown = path.namePattern === '' ? path.container : `${path.container}/${path.namePattern}`;
    if (source !== 'EventGrid') return `blob: ${shown} (connection ${connectionName})`;
    const webhook = `${services.baseUrl()}/${blobWebhookPath}?functionName=Host.Functions.${fn.name}`;
    const scan = scanning
      ? 'no Event Grid reaches this host, so it scans the container too'
      : 'container scan off';
    return `blob: ${shown} (connection ${connectionName}; source EventGrid: events at POST ${webhook}; ${scan})`;
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
        if (params)
          this.#pending.set(blob.name, { name: blob.name, etag, params, detectedBy: 'LogsAndContainerScan' });
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
      // Without scans nothing would ever forget them; a repeated event reads the complete receipt instead.
      if (outcome === 'done' && this.options.scanning) this.#handled.set(candidate.name, candidate.etag);
    } catch (error) {
      services.log.error(
        `Function '${fn.name}': blob '${container.containerName}/${shownName(candidate.name)}' could not be processed (${describeError(error)}); ${this.options.scanning ? 'it will be tried again on the next poll' : 'with the container scan off, only a new event for it will try again'}.`,
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
