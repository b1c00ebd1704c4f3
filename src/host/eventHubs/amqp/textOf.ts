/** A request property as text ('' when absent or neither text nor a number). */
export function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
