/**
 * Retry policy for hub calls: only failures a retry can cure (no answer at all,
 * 5xx, 429). A 4xx other than 429 is the hub's decision and is never retried.
 */
export interface RetryPolicy {
  /** Attempts in all, first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 300, maxDelayMs: 5_000 };

/** Exponential backoff with full jitter: spreads the retries of many town halls after a hub restart. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
