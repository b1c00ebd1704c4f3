import type {
  ContainerClient,
  ContainerListBlobFlatSegmentResponse,
  ContainerListBlobHierarchySegmentResponse,
} from '@azure/storage-blob';
import { hasCode, hasStatus } from '../../storage/storageErrors';
import { wellFormed } from './namePositions';

/** What a one-entry listing page starting at a position shows first. */
export type FirstEntry =
  | { readonly kind: 'blob'; readonly name: string }
  | { readonly kind: 'prefix'; readonly name: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'unlistable'; readonly error: unknown };

/** Lists one entry at a time from a position, within a prefix (and, with a delimiter, folding names into prefixes). */
export interface ListingProbe {
  first(startFrom: string): Promise<FirstEntry>;
}

/** A listing page the service could not produce, as opposed to one it refused (auth, missing container). */
export function isUnreadablePage(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return (typeof status === 'number' && status >= 500) || hasCode(error, 'PARSE_ERROR');
}

/** Thrown when narrowing a listing would need more requests than one poll may spend. */
export class ProbeBudgetExceededError extends Error {
  override name = 'ProbeBudgetExceededError';
}

/**
 * One-entry listing pages of one container, counted against a budget per scan. The prefix and the
 * delimiter are echoed in the response, so both must be listable themselves; `startFrom` is not.
 */
export class ListingProbes {
  #spent = 0;

  constructor(
    private readonly container: ContainerClient,
    private readonly budget: number,
  ) {}

  get spent(): number {
    return this.#spent;
  }

  resetBudget(): void {
    this.#spent = 0;
  }

  flat(prefix: string): ListingProbe {
    return {
      first: (startFrom) =>
        this.#first(async () => {
          const pages = this.container
            .listBlobsFlat({ prefix: prefix || undefined, startFrom: asStartFrom(startFrom) })
            .byPage({ maxPageSize: 1 });
          const page = firstPage<ContainerListBlobFlatSegmentResponse>(await pages.next());
          const blob = page?.segment.blobItems[0];
          return blob ? { kind: 'blob', name: blob.name } : { kind: 'none' };
        }),
    };
  }

  byDelimiter(prefix: string, delimiter: string): ListingProbe {
    return {
      first: (startFrom) =>
        this.#first(async () => {
          const pages = this.container
            .listBlobsByHierarchy(delimiter, {
              prefix: prefix || undefined,
              startFrom: asStartFrom(startFrom),
            })
            .byPage({ maxPageSize: 1 });
          const page = firstPage<ContainerListBlobHierarchySegmentResponse>(await pages.next());
          const folded = page?.segment.blobPrefixes?.[0]?.name;
          const blob = page?.segment.blobItems[0]?.name;
          // Entries come in name order; a page of one holds one or the other.
          if (folded !== undefined && (blob === undefined || folded < blob))
            return { kind: 'prefix', name: folded };
          return blob !== undefined ? { kind: 'blob', name: blob } : { kind: 'none' };
        }),
    };
  }

  /** Whether a blob of exactly this name exists (its properties, which no listing XML carries). */
  async exists(name: string): Promise<boolean> {
    this.#spend();
    try {
      await this.container.getBlobClient(name).getProperties();
      return true;
    } catch (error) {
      if (hasStatus(error, 404)) return false;
      throw error;
    }
  }

  #spend(): void {
    if (++this.#spent > this.budget) {
      throw new ProbeBudgetExceededError(
        `narrowing the listing took more than ${this.budget} requests in one poll`,
      );
    }
  }

  async #first(list: () => Promise<FirstEntry>): Promise<FirstEntry> {
    this.#spend();
    try {
      return await list();
    } catch (error) {
      if (isUnreadablePage(error)) return { kind: 'unlistable', error };
      throw error;
    }
  }
}

/** The request parameter for a position; the start of the container is no parameter (an empty one fails signing). */
export function asStartFrom(position: string | undefined): string | undefined {
  return position ? wellFormed(position) : undefined;
}

/** The page an iterator gave, typed: the SDK's `next()` result types its value as `any` once done. */
export function firstPage<T>(result: IteratorResult<T, unknown>): T | undefined {
  return result.done ? undefined : result.value;
}
