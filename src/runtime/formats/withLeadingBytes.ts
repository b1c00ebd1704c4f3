const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/** Length of the UTF-8 byte order mark at the start of `bytes` (Excel writes one): 3 or 0. */
export function byteOrderMarkLength(bytes: Uint8Array): number {
  return bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2] ? 3 : 0;
}

/** Passes the chunks through, merging the first ones until they hold `count` bytes, so a file's start can be inspected in one piece. */
export async function* withLeadingBytes(
  chunks: AsyncIterable<Buffer>,
  count: number,
): AsyncGenerator<Buffer> {
  const pending: Buffer[] = [];
  let size = 0;
  let merged = false;
  for await (const chunk of chunks) {
    if (merged) {
      yield chunk;
      continue;
    }
    pending.push(chunk);
    size += chunk.length;
    if (size >= count) {
      merged = true;
      yield pending.length === 1 ? chunk : Buffer.concat(pending);
    }
  }
  if (!merged && size > 0) yield Buffer.concat(pending);
}
