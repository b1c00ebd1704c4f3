/**
 * A pass-through value as text: strings as they are, numbers, booleans and bigints as JavaScript
 * prints them, dates in ISO 8601, bytes in base64, null and missing as '', anything else as JSON.
 * Type tests avoid instanceof: values may come from another realm (a library loaded outside a VM).
 */
export function stringifyValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    default:
      return stringifyObject(value);
  }
}

function stringifyObject(value: unknown): string {
  if (value === null) return '';
  if (Object.prototype.toString.call(value) === '[object Date]') return (value as Date).toISOString();
  if (ArrayBuffer.isView(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? inner.toString() : inner,
  );
}
