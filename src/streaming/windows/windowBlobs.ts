import type { ContainerClient } from '@azure/storage-blob';
import { jsonLinesOf } from '../formatStreamRows';
import type { LandedEvent } from './LandedEvent';
import type { LandingRef } from './windowContracts';
import { landingOf } from './windowNames';

/** What the commit writes beside a window's output: what it included, so later landings can be told late. */
export interface WindowManifest {
  readonly stream: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly state: 'Committed' | 'Failed';
  readonly closedAt: string;
  readonly committedAt: string;
  /** The landings the window holds, each with the sequence range of its batch. */
  readonly landings: readonly LandingRef[];
  readonly [field: string]: unknown;
}

export async function writeJsonLines(
  container: ContainerClient,
  name: string,
  rows: readonly unknown[],
  metadata: Record<string, string> = {},
): Promise<Buffer> {
  const body = jsonLinesOf(rows);
  await container.getBlockBlobClient(name).uploadData(body, {
    blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
    metadata,
  });
  return body;
}

/** The rows of JSON Lines text (blank lines skipped). */
export function parseJsonLines<T>(text: string): T[] {
  const lines = text.replace(/\n+$/, '');
  if (lines === '') return [];
  try {
    // One parse of the whole text: newlines only separate rows (JSON escapes those inside strings).
    return JSON.parse(`[${lines.replaceAll('\n', ',')}]`) as T[];
  } catch {
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as T);
  }
}

export async function writeJson(container: ContainerClient, name: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  await container
    .getBlockBlobClient(name)
    .upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
}

/** A JSON blob's content; undefined when there is no such blob. */
export async function readJson<T>(container: ContainerClient, name: string): Promise<T | undefined> {
  try {
    return JSON.parse((await container.getBlobClient(name).downloadToBuffer()).toString()) as T;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function readLanding(container: ContainerClient, name: string): Promise<LandedEvent[]> {
  return parseJsonLines<LandedEvent>((await container.getBlobClient(name).downloadToBuffer()).toString());
}

/** The window's landing blobs with their batches' sequence ranges (from their metadata), by name. */
export async function listLandings(container: ContainerClient, prefix: string): Promise<LandingRef[]> {
  const landings: LandingRef[] = [];
  for await (const blob of container.listBlobsFlat({ prefix, includeMetadata: true })) {
    const { partitionId, firstSequence } = landingOf(blob.name);
    const lastSequence = Number(blob.metadata?.lastsequence ?? firstSequence);
    landings.push({ name: blob.name, partitionId, firstSequence, lastSequence });
  }
  return landings;
}

/**
 * The distinct events (by partition and sequence number) in the JSON Lines blobs under a prefix: two
 * readers of one partition during a handover may keep one event in two blobs.
 */
export async function countDistinctEvents(container: ContainerClient, prefix: string): Promise<number> {
  const seen = new Set<string>();
  for await (const blob of container.listBlobsFlat({ prefix }))
    for (const event of await readLanding(container, blob.name))
      seen.add(`${event.partitionId}:${event.sequenceNumber}`);
  return seen.size;
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
