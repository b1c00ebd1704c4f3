// A key passed as `?code=` (how the Functions host takes function keys) must not reach a log line.
const keyParameter = /([?&]code=)[^&#]*/gi;

/** The request URL as it may be logged: the value of every `code` query parameter replaced by `***`. */
export function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(keyParameter, '$1***');
}
