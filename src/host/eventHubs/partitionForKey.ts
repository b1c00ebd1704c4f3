/**
 * The partition a partition key maps to: a 32-bit FNV-1a hash of the key's UTF-8 bytes modulo the partition
 * count. Stable across runs and hosts, so one key always lands in one partition (Azure's own hash differs).
 */
export function partitionForKey(partitionKey: string, partitionCount: number): string {
  return String(fnv1a32(partitionKey) % partitionCount);
}

/** The 32-bit FNV-1a hash of a string's UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}
