const MAX_SHOWN = 40;

/** A value quoted for an error message, cut short: a 10 MB field must not become a 10 MB message. */
export function describeValue(text: string): string {
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
  return JSON.stringify(shown);
}
