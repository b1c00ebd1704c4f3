/**
 * A stored JSON text as a JSON value, as the extension renders it: missing is null, blank is "", and
 * text that is not JSON (a terminate reason, say) is returned as the string itself.
 */
export function parseStoredJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}
