/**
 * Per-step timings of a sync, for the first-sync bench's breakdown (build/bench/sync-bench.ts): hub and
 * PC record into one sink when they run in one process. Off unless a sink is set: a step then costs one
 * null check. Pure (the sink brings its clocks), so shared code may time its steps too.
 */
export interface StepSink {
  /** A reading of the sink's clocks (wall, CPU…), handed back to `end`. */
  begin(): unknown;
  end(step: string, begun: unknown): void;
}

let sink: StepSink | null = null;

export function setStepSink(next: StepSink | null): void {
  sink = next;
}

export function timeStep<T>(step: string, fn: () => T): T {
  const s = sink;
  if (s === null) return fn();
  const begun = s.begin();
  try {
    return fn();
  } finally {
    s.end(step, begun);
  }
}

export async function timeStepAsync<T>(step: string, fn: () => Promise<T>): Promise<T> {
  const s = sink;
  if (s === null) return fn();
  const begun = s.begin();
  try {
    return await fn();
  } finally {
    s.end(step, begun);
  }
}
