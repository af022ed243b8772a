import type { ErrorBody } from '../../../shared/errors.js';

/**
 * The console's calls to the hub (`/console/api/…`, same origin). The session is the HttpOnly
 * cookie the hub sets at sign-in; every call also carries `x-guichet-console: 1` (the hub's CSRF
 * check for non-GET methods). Refusals come back as the hub's French `ErrorBody`.
 */
export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

const BASE = new URL('/console/api/', window.location.origin);

export async function consoleApi<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(path.replace(/^\//, ''), BASE), {
    method,
    credentials: 'same-origin',
    headers: { 'x-guichet-console': '1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json as ErrorBody | undefined) ?? { code: 'internal', message: 'Le hub ne répond pas comme attendu.' };
    if (res.status === 401) onSignedOut?.();
    throw new ConsoleApiError(res.status, err);
  }
  return json as T;
}

let onSignedOut: (() => void) | null = null;
/** Called when the hub says the session is over (expired, revoked): the app shows the sign-in again. */
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

export function errorMessage(err: unknown): string {
  return err instanceof ConsoleApiError ? err.body.message : 'Le hub est injoignable. Réessayez dans un instant.';
}
