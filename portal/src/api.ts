/** Fetch wrapper: same-origin cookie, the CSRF header the API wants on cookie-authenticated writes, errors as ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Header every write carries: the API refuses cookie-authenticated writes without it (CSRF). */
export const CSRF_HEADERS = { 'X-Requested-With': 'tally-portal' } as const;

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called when any request answers 401 (the session ended): the app goes back to sign-in. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** `{ "error": { "code", "message" } }` → ApiError; anything else → a generic message with the status. */
export function errorFrom(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiError(status, body.error.code ?? `http_${status}`, body.error.message);
  } catch {
    /* not JSON */
  }
  return new ApiError(status, `http_${status}`, status === 0 ? 'the server could not be reached: check your connection' : `the request failed (HTTP ${status})`);
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...CSRF_HEADERS };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method: init.method ?? 'GET', headers, credentials: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  } catch {
    throw errorFrom(0, '');
  }
  const text = await res.text();
  if (!res.ok) {
    if (res.status === 401 && !init.quiet401) unauthorizedListeners.forEach((l) => l());
    throw errorFrom(res.status, text);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
