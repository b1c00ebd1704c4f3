import type { ContainerClient, ContainerListBlobFlatSegmentResponse } from '@azure/storage-blob';
import { describeError } from '../../errors';
import { hasStatus } from '../../storage/storageErrors';
import {
  asStartFrom,
  firstPage,
  isUnreadablePage,
  ListingProbes,
  ProbeBudgetExceededError,
} from './ListingProbes';
import { after } from './namePositions';
import { UnlistableBlobLocator, type Located } from './UnlistableBlobLocator';
import { firstUnlistableCharacter, shownName } from './unlistableCharacter';

export interface ScannedBlob {
  readonly name: string;
  /** As the listing (bare) or the blob's properties (quoted) give it; undefined when the blob just went away. */
  readonly etag: string | undefined;
  /** Why no listing page can carry this blob's name, for a blob found by narrowing the listing around it. */
  readonly unlistable?: string;
}

export interface ContainerScanOptions {
  /** A client that does not retry: a failed page is narrowed down at once, not retried for half a minute. */
  readonly container: ContainerClient;
  /** Only names starting with this are listed. */
  readonly prefix: string;
  readonly maxPageSize?: number;
  /** Listing requests one scan may spend narrowing failed pages down. */
  readonly probeBudget?: number;
  /** How long a blob found by narrowing is trusted on two pages' evidence before it is fully checked again. */
  readonly recheckMs?: number;
}

interface Finding {
  readonly name: string;
  /** When a full check last showed that nothing listable lies between its position and it. */
  checkedAt: number;
}

interface ScanMemory {
  /** Position of a failed page → the blob found there. */
  readonly found: Map<string, Finding>;
  /** Where a run of pages started (`''`: the container's start) → how many blobs it listed before failing. */
  readonly runs: Map<string, number>;
}

interface FailedPage {
  /** The position of the first blob the page should have held. */
  readonly at: string;
  readonly error: unknown;
}

/**
 * Lists a container page by page in name order. A page the service cannot produce (Azurite answers
 * HTTP 500 with no body when one of its names holds a character XML cannot carry) is narrowed down
 * instead of failing the scan: smaller pages list the blobs before the culprit, the culprit's name is
 * found (see {@link UnlistableBlobLocator}) and returned like any other blob, and listing goes on after it.
 */
export class ContainerScan {
  readonly #probes: ListingProbes;
  readonly #locator: UnlistableBlobLocator;
  readonly #maxPageSize: number;
  readonly #recheckMs: number;
  /** What the last scan learnt, so the next one goes straight past what it found. */
  #last: ScanMemory = { found: new Map(), runs: new Map() };

  constructor(private readonly options: ContainerScanOptions) {
    this.#probes = new ListingProbes(options.container, options.probeBudget ?? 2_000);
    this.#locator = new UnlistableBlobLocator(this.#probes, options.prefix);
    this.#maxPageSize = options.maxPageSize ?? 5_000;
    this.#recheckMs = options.recheckMs ?? 10_000;
  }

  /** Every blob under the prefix; throws what the service said when a failed page cannot be narrowed down. */
  async *blobs(): AsyncGenerator<ScannedBlob, void> {
    this.#probes.resetBudget();
    const memory: ScanMemory = { found: new Map(), runs: new Map() };
    let from: string | undefined;
    for (;;) {
      const failed = yield* this.#pagesFrom(from, memory);
      if (!failed) break;
      const located = await this.#locate(failed, memory);
      if (located.kind === 'listable') {
        from = located.name;
        continue;
      }
      yield await this.#unlistable(located.name, failed.error);
      from = after(located.name);
    }
    this.#last = memory;
  }

  async *#pagesFrom(
    from: string | undefined,
    memory: ScanMemory,
  ): AsyncGenerator<ScannedBlob, FailedPage | undefined> {
    const { container, prefix } = this.options;
    // Blobs the last scan listed from here before a page failed: list as many, then try a page of one.
    const run = this.#last.runs.get(from ?? '');
    let size = run === undefined ? this.#maxPageSize : Math.max(run, 1);
    let at = from ?? prefix;
    let listed = 0;
    let token: string | undefined;
    for (;;) {
      let page;
      try {
        const pages = container
          .listBlobsFlat({ prefix: prefix || undefined, startFrom: asStartFrom(from) })
          .byPage({ continuationToken: token, maxPageSize: size });
        page = firstPage<ContainerListBlobFlatSegmentResponse>(await pages.next());
      } catch (error) {
        if (!isUnreadablePage(error)) throw error;
        // Shrink the page until it ends before the blob it cannot hold.
        if (size > 1) {
          size = Math.max(1, Math.floor(size / 4));
          continue;
        }
        memory.runs.set(from ?? '', listed);
        return { at, error };
      }
      for (const blob of page?.segment.blobItems ?? []) {
        yield { name: blob.name, etag: blob.properties.etag };
        at = after(blob.name);
        listed++;
      }
      if (!page?.continuationToken) return undefined;
      token = page.continuationToken;
      // Right where the last scan's page failed, try one blob; otherwise let the pages grow back.
      size = listed === run ? 1 : Math.min(this.#maxPageSize, size * 2);
    }
  }

  async #locate(failed: FailedPage, memory: ScanMemory): Promise<Located> {
    try {
      const known = this.#last.found.get(failed.at);
      if (known && (await this.#stillHolds(failed.at, known))) {
        memory.found.set(failed.at, known);
        return { kind: 'unlistable', name: known.name };
      }
      const located = await this.#locator.locate(failed.at);
      if (!located) throw failed.error;
      if (located.kind === 'unlistable') {
        memory.found.set(failed.at, { name: located.name, checkedAt: Date.now() });
      }
      return located;
    } catch (error) {
      if (error === failed.error) throw error;
      const narrowing =
        error instanceof ProbeBudgetExceededError ? ', and ' : ' and narrowing it down failed: ';
      throw new Error(
        `the listing page at '${shownName(failed.at)}' failed (${describeError(failed.error)})${narrowing}${describeError(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Whether a blob found at a position is still the one there: it still exists and still fails a
   * page; every few seconds the whole check runs again, so a blob added between the position and it
   * is found within that time.
   */
  async #stillHolds(at: string, known: Finding): Promise<boolean> {
    if (Date.now() - known.checkedAt < this.#recheckMs) return this.#locator.stillFails(known.name);
    if (!(await this.#locator.confirms(at, known.name))) return false;
    known.checkedAt = Date.now();
    return true;
  }

  async #unlistable(name: string, error: unknown): Promise<ScannedBlob> {
    const unlistable = unlistableReason(name, error);
    try {
      const properties = await this.options.container.getBlobClient(name).getProperties();
      return { name, etag: properties.etag, unlistable };
    } catch (headError) {
      if (hasStatus(headError, 404)) return { name, etag: undefined, unlistable };
      throw headError;
    }
  }
}

function unlistableReason(name: string, error: unknown): string {
  const found = firstUnlistableCharacter(name);
  const failure = `every listing page that includes it fails (${describeError(error)})`;
  if (!found) return failure;
  // Azure refuses control characters in names; U+FFFE and U+FFFF it accepts, and lists percent-encoded.
  const onAzure = found.codePoint.startsWith('U+00')
    ? 'Azure Storage refuses such names'
    : 'Azure Storage lists such names percent-encoded, the emulator cannot';
  return `its name has ${found.codePoint} at index ${found.index}, which XML 1.0 cannot carry, so ${failure}; ${onAzure}`;
}
