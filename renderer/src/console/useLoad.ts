import { useCallback, useEffect, useState } from 'react';
import { consoleApi, errorMessage } from './api.js';

/** GET `path` on mount and on `reload()`; the French error when the hub refuses. */
export function useLoad<T>(path: string): { data: T | null; error: string | null; reload(): void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    consoleApi<T>('GET', path).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [path]);
  useEffect(reload, [reload]);
  return { data, error, reload };
}

/** Runs a console action and answers the French message to show (success or refusal). */
export async function runAction(fn: () => Promise<unknown>, success: string): Promise<{ ok: boolean; message: string }> {
  try {
    await fn();
    return { ok: true, message: success };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}

export const frDateTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }) : '—';
