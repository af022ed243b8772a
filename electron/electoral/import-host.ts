/**
 * Runs an import preview's heavy work (import-job.ts) on a worker thread so
 * the main process keeps serving IPC while a 100 000-row extract is read:
 * the file bytes go to the worker (a copy: the caller keeps its buffer), a
 * few big strings and typed arrays come back. One worker per process, started
 * on the first large import and kept (unref'd) for the next ones.
 *
 * Where no worker can start (no worker script next to this module, e.g. a
 * bundle that does not ship it, or an in-memory database the worker cannot
 * open), the same job runs on the main thread, yielding between steps.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GuichetError, type ErrorCode } from '../../shared/errors.js';
import type { ComparableElector } from './elector-store.js';
import { runImportJob, type ImportJobProgress, type PreparedImport } from './import-job.js';
import type { ImportJobMessage, ImportJobRequest } from './import-worker.js';

/** Below this size (~5 000 electors) a thread costs more than the parse it would move. */
export const OFF_THREAD_MIN_BYTES = 1_000_000;

interface Pending {
  resolve(r: PreparedImport): void;
  reject(e: Error): void;
  onProgress?: ImportJobProgress;
}

let worker: Promise<Worker | null> | null = null;
const pending = new Map<number, Pending>();
let nextJob = 1;

/** The worker script: bundled JavaScript next to this file, else the TypeScript source run through tsx (CLI, tests, bench). */
function workerScript(): { code: string; data: Record<string, string> } | null {
  const base = import.meta.url;
  if (!base.startsWith('file:')) return null;
  // Next to the bundled main.cjs (electron/vite.config.ts, mode import-worker).
  const js = new URL('import-worker.cjs', base);
  if (existsSync(fileURLToPath(js))) return { code: `require(require('node:worker_threads').workerData.entry);`, data: { entry: fileURLToPath(js) } };
  const ts = new URL('import-worker.ts', base);
  if (!existsSync(fileURLToPath(ts))) return null;
  let tsxApi: string;
  try {
    tsxApi = pathToFileURL(createRequire(base).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  } catch {
    return null;
  }
  return {
    code: `const { workerData } = require('node:worker_threads'); import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); });`,
    data: { entry: ts.href, tsxApi },
  };
}

function failAll(err: Error): void {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

function startWorker(): Promise<Worker | null> {
  const script = workerScript();
  if (!script) return Promise.resolve(null);
  return new Promise((resolve) => {
    const w = new Worker(script.code, { eval: true, workerData: script.data });
    let ready = false;
    w.on('message', (m: ImportJobMessage | { type: 'ready' }) => {
      if (m.type === 'ready') {
        ready = true;
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
      if (pending.size === 0) w.unref();
      if (m.type === 'done') p.resolve(m.result);
      else if (m.type === 'refused') p.reject(new GuichetError(m.code as ErrorCode, m.message, m.detail));
      else p.reject(new Error(`import worker: ${m.message}`));
    });
    w.on('error', (err) => {
      if (!ready) resolve(null);
      failAll(err);
    });
    w.on('exit', () => {
      worker = null;
      if (!ready) resolve(null);
      failAll(new Error('import worker exited'));
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
}

export async function prepareImport(opts: PrepareImportOptions): Promise<PreparedImport & { offThread: boolean; workerStartMs: number }> {
  const { fileName, bytes, dbFile, stagingFile, readCurrent, onProgress } = opts;
  const started = performance.now();
  const w = dbFile && bytes.byteLength >= (opts.offThreadMinBytes ?? OFF_THREAD_MIN_BYTES) ? await (worker ??= startWorker()) : null;
  // 0 when the worker was already running; ~50 ms for the bundled script, ~0.4 s through tsx (CLI, bench).
  const workerStartMs = performance.now() - started;
  if (!w || !dbFile) return { ...(await runImportJob(fileName, bytes, stagingFile, readCurrent, onProgress)), offThread: false, workerStartMs };
  const jobId = nextJob++;
  const result = new Promise<PreparedImport>((resolve, reject) => pending.set(jobId, { resolve, reject, onProgress }));
  // Kept referenced while a job runs, so the process waits for the answer.
  w.ref();
  const copy = bytes.slice();
  w.postMessage({ jobId, fileName, bytes: copy, dbFile, stagingFile } satisfies ImportJobRequest, [copy.buffer as ArrayBuffer]);
  try {
    return { ...(await result), offThread: true, workerStartMs };
  } catch (err) {
    // A refusal of the file is the answer; a worker that broke down is not: do the work here instead.
    if (err instanceof GuichetError) throw err;
    return { ...(await runImportJob(fileName, bytes, stagingFile, readCurrent, onProgress)), offThread: false, workerStartMs };
  }
}
