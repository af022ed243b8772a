import { GuichetError, type ErrorBody } from '../../shared/errors.js';

/** Fastest retry after a failure; doubles at each further failure up to the caller's maximum. */
const FIRST_RETRY_MS = 5_000;

/**
 * Delay before the next background cycle: the normal interval while cycles
 * succeed, an exponential backoff after failures (capped at `maxBackoffMs`).
 * ±20 % jitter so PCs that lost the hub together do not all come back in the
 * same second.
 */
export function backoffDelay(
  failures: number,
  timing: { intervalMs: number; maxBackoffMs: number },
  random: () => number = Math.random,
): number {
  const base = failures === 0 ? timing.intervalMs : Math.min(timing.maxBackoffMs, FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 10));
  return Math.round(base * (0.8 + random() * 0.4));
}

/** How the last cycles went, as the user sees it (online, last error) and as the backoff needs it. */
export interface CycleHealth {
  online(): boolean;
  lastError(): ErrorBody | null;
  /** Consecutive failed cycles. */
  failures(): number;
  succeeded(): void;
  failed(err: unknown): void;
  /** Forget the last error (the replica was cleared: it belonged to the previous session). */
  clearError(): void;
}

const UNEXPECTED: ErrorBody = {
  code: 'internal',
  message: 'La synchronisation a rencontré une erreur inattendue ; elle sera retentée.',
};

export function createCycleHealth(): CycleHealth {
  let online = true;
  let lastError: ErrorBody | null = null;
  let failures = 0;
  return {
    online: () => online,
    lastError: () => lastError,
    failures: () => failures,
    succeeded() {
      online = true;
      lastError = null;
      failures = 0;
    },
    failed(err) {
      failures++;
      // Only "the hub cannot be reached" means offline: a hub that answers with an error is online.
      online = !(err instanceof GuichetError && err.code === 'offline');
      lastError = err instanceof GuichetError ? err.toBody() : UNEXPECTED;
    },
    clearError() {
      lastError = null;
    },
  };
}

export interface SchedulerOptions<T> {
  cycle: () => Promise<T>;
  /** Delay before the next background cycle, asked after each one. */
  nextDelay: () => number;
  debounceMs: number;
}

/**
 * When cycles run: one at a time, on demand, debounced after local changes,
 * and in a background loop. Knows nothing of what a cycle does.
 */
export interface Scheduler<T> {
  /** A cycle after any running one; null once stopped. */
  run(): Promise<T> | null;
  /** A cycle soon, coalescing requests made within `debounceMs`. */
  request(): void;
  start(): void;
  /** Stops timers and waits for a running cycle. */
  stop(): Promise<void>;
  /** Resolves once no cycle runs or waits. */
  settled(): Promise<void>;
}

export function createScheduler<T>(options: SchedulerOptions<T>): Scheduler<T> {
  let running: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  let loopTimer: NodeJS.Timeout | null = null;
  let debounceTimer: NodeJS.Timeout | null = null;
  let looping = false;
  let stopped = false;

  function launch(): Promise<T> {
    running = options.cycle().finally(() => (running = null));
    return running;
  }

  function run(): Promise<T> | null {
    if (stopped) return null;
    // A cycle asked while one runs must still see changes made after that one started;
    // every ask made meanwhile shares that one next cycle.
    if (queued) return queued;
    if (!running) return launch();
    queued = running.then(() => {
      queued = null;
      return launch();
    });
    return queued;
  }

  function scheduleLoop(delay: number): void {
    if (!looping || stopped) return;
    if (loopTimer) clearTimeout(loopTimer);
    loopTimer = setTimeout(async () => {
      await run();
      scheduleLoop(options.nextDelay());
    }, delay);
    // The loop alone never keeps the process alive (the CLI exits when its work is done).
    loopTimer.unref();
  }

  const settled = async () => void (await (queued ?? running)?.catch(() => undefined));

  return {
    run,
    request() {
      if (stopped) return;
      if (debounceTimer) clearTimeout(debounceTimer);
      debounceTimer = setTimeout(() => {
        debounceTimer = null;
        void run();
      }, options.debounceMs);
      debounceTimer.unref();
    },
    start() {
      if (looping) return;
      looping = true;
      scheduleLoop(0);
    },
    async stop() {
      stopped = true;
      looping = false;
      if (loopTimer) clearTimeout(loopTimer);
      if (debounceTimer) clearTimeout(debounceTimer);
      await settled();
    },
    settled,
  };
}
