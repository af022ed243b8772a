/**
 * Longest stretch of CPU work a long preparation (an import's validation and diff) keeps the event loop
 * before letting other requests run. Each request of another commune waits for the current stretch at every
 * round trip it makes to the database, so its latency grows by about (round trips × stretch): slices counted
 * in elements (2 000 electors: ~20–60 ms depending on the machine) made the other communes' p99 386–622 ms
 * on the load bench; slices counted in time bound that wait whatever the elements cost. Measured on a
 * 35 000-elector preparation (load 4 on 2 cores): median stretch 8.5–9.7 ms, longest ~20–30 ms (a GC pause
 * inside a slice), against 20–75 ms before. The push body itself is parsed in slices too (json-in-slices.ts:
 * ~16–25 ms at most at a time for 18 MB, instead of ~130–180 ms in one go); what still holds the loop during
 * an import is major GC pauses and, on SQLite, the landing statement and its commit.
 */
export const SLICE_MS = 8;

/**
 * A turn of the event loop once `budgetMs` have passed since the last one: call it between small units of
 * work (an element); it answers null while the slice lasts (nothing to await, no microtask), else a promise
 * that resolves on the next turn (setImmediate: after pending I/O callbacks).
 */
export type TurnIfDue = () => Promise<void> | null;

export function timeSlices(budgetMs = SLICE_MS): TurnIfDue {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return null;
    return new Promise((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
}
