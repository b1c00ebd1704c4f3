import type { StorageClients } from '../../src/storage/StorageClients';

/** A row of GET /api/streams/{name}/windows, as window tests read it. */
export interface WindowRow {
  windowStart: string;
  state: string;
  eventsIn: number;
  lateEvents?: number;
  keys: number;
  scoredRows: number;
  modelVersion?: number;
  reason?: string;
  output?: string;
  closeToCommitMs?: number;
}

/** Polls `probe` until it gives a value; on timeout, fails with `what` and `context()` (the host's log). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  context: () => string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.\n${context().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Reading a container's blobs back: a blob's text, the names under a prefix. */
export function blobReader(storage: StorageClients, container: string) {
  return {
    readText: async (name: string) =>
      (await storage.container(container).getBlobClient(name).downloadToBuffer()).toString(),
    listNames: async (prefix: string) => {
      const names: string[] = [];
      for await (const blob of storage.container(container).listBlobsFlat({ prefix })) names.push(blob.name);
      return names;
    },
  };
}

export const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** CSV with a header (one header line, no quoted fields): numbers as numbers, the rest as text. */
export function csvRows(text: string): Record<string, unknown>[] {
  const [header, ...lines] = text.trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) =>
    Object.fromEntries(
      line
        .split(',')
        .map((value, i) => [
          columns[i]!,
          value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value,
        ]),
    ),
  );
}
