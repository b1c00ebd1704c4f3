/** `20261122T020000Z`: a time in a form that sorts, and is valid in instance ids and table keys. */
export function compactTime(time: Date): string {
  return time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
