// The function key lives in this tab's sessionStorage only: never in the URL, the page or an error text.
const keyName = 'durable-scoring.functionKey';

/** Thrown when the app refuses the key: the page goes back to the sign-in form. */
export class SignInNeeded extends Error {}

/** An answer the app gave with an error status, with its message (never the key). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function storedKey(): string | null {
  return sessionStorage.getItem(keyName);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(keyName, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(keyName);
}

/**
 * A key given as `?code=` (how Functions links carry keys) moves into sessionStorage and out of the
 * address bar at once, before anything else runs, so it is not left in history or bookmarks.
 */
export function takeKeyFromUrl(): void {
  const url = new URL(location.href);
  const code = url.searchParams.get('code');
  if (code === null) return;
  url.searchParams.delete('code');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  if (code !== '') storeKey(code);
}

/** The app's route prefix (`/api/`), from where the page is served (`/api/dashboard/`). */
function apiBase(): string {
  return location.pathname.replace(/dashboard\/?[^/]*$/, '');
}

/** GET an app route as JSON with the key in `x-functions-key`. */
export async function getJson<T>(path: string): Promise<T> {
  const key = storedKey();
  if (!key) throw new SignInNeeded('Sign in with a function key.');
  const response = await fetch(apiBase() + path, { headers: { 'x-functions-key': key } });
  if (response.status === 401 || response.status === 403) {
    forgetKey();
    throw new SignInNeeded('The app did not accept that key.');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new ApiError(response.status, body.error ?? `${path} answered ${response.status}.`);
  }
  return (await response.json()) as T;
}
