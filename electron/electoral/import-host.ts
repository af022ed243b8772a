/**
 * Runs an import preview's heavy work (import-job.ts) on worker threads so
 * the main process keeps serving IPC while a 100 000-row extract is read:
 * the file bytes go to the workers (a copy: the caller keeps its buffer), a
 * few big strings and typed arrays come back. With SPLIT_MIN_CORES cores or
 * more the job is split between two workers, each parsing the file (~1 s of
 * CPU more, but the rows half — sort, staging file — and the payload half —
 * diff, JSON, gzip — then run side by side).
 * Workers start on the first large import and are kept (unref'd) for the next ones.
 *
 * Where no worker can start (no worker script next to this module, e.g. a
 * bundle that does not ship it, or an in-memory database the worker cannot
 * open), the same job runs on the main thread, yielding between steps.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../core/worker-script.js';
import { GuichetError, type ErrorCode } from '../../shared/errors.js';
import type { ComparableElector } from './elector-store.js';
import { runImportJob, type ImportJobProgress, type PayloadPart, type PreparedImport, type RowsPart } from './import-job.js';
import type { ImportJobMessage, ImportJobRequest, ImportWorkerRequest } from './import-worker.js';

/**
 * Cores from which the work is split over two workers. The split costs a second parse (~1 s of
 * CPU on 100 000 electors) and only saves time when two cores are free besides the main thread's:
 * on the 2-core machine of the bench, busy with other work, it made the preview slower (3.4 s →
 * 6-7 s wall), while on an idle one it saved 0.4-0.8 s.
 */
export const SPLIT_MIN_CORES = 4;

/** Below this size (~5 000 electors) a thread costs more than the parse it would move. */
export const OFF_THREAD_MIN_BYTES = 1_000_000;

interface Pending {
  resolve(r: unknown): void;
  reject(e: Error): void;
  onProgress?: ImportJobProgress;
  worker: Worker;
}

const workers: (Promise<Worker | null> | null)[] = [null, null];
/** The first worker once it is running (checkpointOffThread only uses one already there). */
let firstReady: Worker | null = null;
const pending = new Map<number, Pending>();
let nextJob = 1;

function failAll(w: Worker, err: Error): void {
  for (const [id, p] of pending) {
    if (p.worker !== w) continue;
    pending.delete(id);
    p.reject(err);
  }
}

function startWorker(slot: number): Promise<Worker | null> {
  const script = workerScript(import.meta.url, 'import-worker');
  if (!script) return Promise.resolve(null);
  return new Promise((resolve) => {
    const w = new Worker(script.code, { eval: true, workerData: script.data });
    let ready = false;
    w.on('message', (m: ImportJobMessage | { type: 'ready' }) => {
      if (m.type === 'ready') {
        ready = true;
        if (slot === 0) firstReady = w;
        w.unref();
        resolve(w);
        return;
      }
      const p = pending.get(m.jobId);
      if (!p) return;
      if (m.type === 'progress') {
        p.onProgress?.(m.phase, m.done, m.total);
        return;
      }
      pending.delete(m.jobId);
      if (![...pending.values()].some((q) => q.worker === w)) w.unref();
      if (m.type === 'done') p.resolve(m.result);
      else if (m.type === 'refused') p.reject(new GuichetError(m.code as ErrorCode, m.message, m.detail));
      else p.reject(new Error(`import worker: ${m.message}`));
    });
    w.on('error', (err) => {
      if (!ready) resolve(null);
      failAll(w, err);
    });
    w.on('exit', () => {
      workers[slot] = null;
      if (firstReady === w) firstReady = null;
      if (!ready) resolve(null);
      failAll(w, new Error('import worker exited'));
    });
  });
}

export interface PrepareImportOptions {
  fileName: string;
  bytes: Uint8Array;
  /** Client database file the worker reads the current list from; null when it cannot (in-memory database). */
  dbFile: string | null;
  /** Where the job writes the rows for the commit (import-job.ts); the caller deletes it. */
  stagingFile: string;
  /** The current list, read on the main thread: used when the job runs there. */
  readCurrent: () => ComparableElector[];
  onProgress?: ImportJobProgress;
  /** Size from which the work moves to the worker (default OFF_THREAD_MIN_BYTES). */
  offThreadMinBytes?: number;
  /** 1 or 2 worker threads (default: 2 when the machine has SPLIT_MIN_CORES cores or more). */
  workers?: number;
}

const getWorker = (slot: number) => (workers[slot] ??= startWorker(slot));

/**
 * Whether a checkpoint of `dbFile` could be handed to the import worker (one is running): the caller
 * then turns SQLite's automatic checkpoint off for its commit and calls checkpointOffThread after it.
 */
export const canCheckpointOffThread = (): boolean => firstReady !== null;

/**
 * Copies the WAL an import's commit wrote (~100 MB for 100 000 electors) into the database file on the
 * import worker, with its own connection (PASSIVE: readers and the writer go on meanwhile). Done by the
 * committing connection, SQLite's automatic checkpoint ran inside that COMMIT, on the main thread:
 * ~0.15-0.25 s more before the commit returned (hub-server/db/checkpointer.ts does the same on the hub).
 * If the worker is gone or fails, nothing is lost: the main connection's next automatic checkpoint does it.
 */
export function checkpointOffThread(dbFile: string): Promise<void> {
  const w = firstReady;
  if (!w) return Promise.resolve();
  const jobId = nextJob++;
  const done = new Promise<void>((resolve) => pending.set(jobId, { resolve: () => resolve(), reject: () => resolve(), worker: w }));
  w.ref();
  w.postMessage({ jobId, part: 'checkpoint', dbFile } satisfies ImportWorkerRequest);
  return done;
}

function send<T>(w: Worker, req: Omit<ImportJobRequest, 'jobId' | 'bytes'>, bytes: Uint8Array, onProgress?: ImportJobProgress): Promise<T> {
  const jobId = nextJob++;
  const result = new Promise<T>((resolve, reject) =>
    pending.set(jobId, { resolve: resolve as (r: unknown) => void, reject, onProgress, worker: w }),
  );
  // Kept referenced while a job runs, so the process waits for the answer.
  w.ref();
  const copy = bytes.slice();
  w.postMessage({ ...req, jobId, bytes: copy } satisfies ImportJobRequest, [copy.buffer as ArrayBuffer]);
  return result;
}

export async function prepareImport(
  opts: PrepareImportOptions,
): Promise<PreparedImport & { offThread: boolean; workers: number; workerStartMs: number }> {
  const { fileName, bytes, dbFile, stagingFile, readCurrent, onProgress } = opts;
  const started = performance.now();
  const offThread = dbFile !== null && bytes.byteLength >= (opts.offThreadMinBytes ?? OFF_THREAD_MIN_BYTES);
  const split = offThread && (opts.workers ?? (availableParallelism() >= SPLIT_MIN_CORES ? 2 : 1)) >= 2;
  const [wa, wb] = offThread ? await Promise.all([getWorker(0), split ? getWorker(1) : null]) : [null, null];
  // 0 when the workers were already running; ~50 ms for the bundled script, ~0.4 s through tsx (CLI, bench).
  const workerStartMs = performance.now() - started;
  const here = async () => ({
    ...(await runImportJob(fileName, bytes, stagingFile, readCurrent, onProgress)),
    offThread: false,
    workers: 0,
    workerStartMs,
  });
  if (!wa || !dbFile) return here();
  const common = { fileName, dbFile, stagingFile };
  try {
    if (!wb)
      return {
        ...(await send<PreparedImport>(wa, { ...common, part: 'all' }, bytes, onProgress)),
        offThread: true,
        workers: 1,
        workerStartMs,
      };
    // Both halves settle before anything is decided, so no worker is still writing the staging file.
    const [rows, payload] = await Promise.allSettled([
      send<RowsPart>(wb, { ...common, part: 'rows' }, bytes),
      send<PayloadPart>(wa, { ...common, part: 'payload' }, bytes, onProgress),
    ]);
    if (payload.status === 'rejected') throw payload.reason;
    if (rows.status === 'rejected') throw rows.reason;
    const p = payload.value;
    const r = rows.value.timings;
    return {
      ...p,
      stagingFile,
      timings: { ...p.timings, rowsParseMs: r.parseMs, prepareMs: r.prepareMs, stageMs: r.stageMs },
      offThread: true,
      workers: 2,
      workerStartMs,
    };
  } catch (err) {
    // A refusal of the file is the answer; a worker that broke down is not: do the work here instead.
    if (err instanceof GuichetError) throw err;
    return here();
  }
}
