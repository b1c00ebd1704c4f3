/** One spelling of a key in the file's bytes (quoted and unquoted spellings of a value differ). */
interface RawKey {
  readonly id: number;
  readonly parts: Buffer[];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Numbers the distinct keys of a file. Rows are matched by their raw key bytes (hash, then byte
 * comparison), so the hot path allocates nothing; only a spelling not seen before is decoded, and it
 * joins the key with the same decoded values if there is one.
 */
export class KeyTable {
  /** Key values (text, in the order of the key columns) by key id. */
  readonly values: string[][] = [];
  private readonly byHash = new Map<number, RawKey[]>();
  private readonly byValues = new Map<string, number>();

  /** The id of the key spelled bytes[starts[k], ends[k]) for k < count, or -1 if this spelling is new. */
  find(bytes: Buffer, starts: Int32Array, ends: Int32Array, count: number): number {
    const candidates = this.byHash.get(hashParts(bytes, starts, ends, count));
    if (candidates === undefined) return -1;
    for (const candidate of candidates) {
      if (sameParts(candidate.parts, bytes, starts, ends, count)) return candidate.id;
    }
    return -1;
  }

  /** Records a new spelling of the key with these decoded values; returns the key's id. */
  add(bytes: Buffer, starts: Int32Array, ends: Int32Array, count: number, values: string[]): number {
    const joined = values.join('\u0000');
    let id = this.byValues.get(joined);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(values);
      this.byValues.set(joined, id);
    }
    const parts: Buffer[] = [];
    for (let k = 0; k < count; k++) parts.push(Buffer.from(bytes.subarray(starts[k], ends[k])));
    const hash = hashParts(bytes, starts, ends, count);
    const candidates = this.byHash.get(hash);
    if (candidates === undefined) this.byHash.set(hash, [{ id, parts }]);
    else candidates.push({ id, parts });
    return id;
  }
}

function hashParts(bytes: Buffer, starts: Int32Array, ends: Int32Array, count: number): number {
  let hash = FNV_OFFSET;
  for (let k = 0; k < count; k++) {
    const end = ends[k]!;
    for (let i = starts[k]!; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
    // A value that cannot be a byte separates the parts: ("ab", "c") and ("a", "bc") differ.
    hash = Math.imul(hash ^ 0x100, FNV_PRIME);
  }
  return hash >>> 0;
}

function sameParts(
  parts: Buffer[],
  bytes: Buffer,
  starts: Int32Array,
  ends: Int32Array,
  count: number,
): boolean {
  for (let k = 0; k < count; k++) {
    const part = parts[k]!;
    const start = starts[k]!;
    if (ends[k]! - start !== part.length) return false;
    for (let i = 0; i < part.length; i++) if (part[i] !== bytes[start + i]) return false;
  }
  return true;
}
