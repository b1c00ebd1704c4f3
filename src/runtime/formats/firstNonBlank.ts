/** Index of the first byte in [start, end) that is not a space, tab or CR; -1 for a blank line. */
export function firstNonBlank(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return i;
  }
  return -1;
}
