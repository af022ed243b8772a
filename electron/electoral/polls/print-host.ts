/**
 * Runs a long print (print-worker.ts) on a worker thread with a capped heap: V8 sizes a heap by how long
 * and how fast a program allocates, so a 3 000-elector bureau printed on the main thread let ~70 Mio of
 * garbage pile up that a 700-elector one did not (the memory retained stays flat). On a thread limited to
 * WORKER_HEAP, collections come sooner and the peak no longer follows the list. One thread per print,
 * gone when it ends. Where no worker can start (no script next to this module, e.g. a bundle that does
 * not ship it, or an in-memory database), the caller prints on the main thread.
 */
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../core/worker-script.js';
import type { PrintKind } from '../../../shared/electoral/polls-ipc.js';
import { type ErrorCode, GuichetError } from '../../../shared/errors.js';
import type { PrintJob, PrintWorkerMessage } from './print-worker.js';

/** Heap of the print thread (Mio): old generation, young generation. */
export const WORKER_HEAP = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 };

/** Prints `job` on its own thread; null when no thread can run it (the caller prints in place). */
export function printOffThread(
  job: PrintJob,
  onProgress: (kind: PrintKind, done: number, total: number, pages: number) => void,
): Promise<{ pages: number; bytes: number; items: number }> | null {
  const script = workerScript(import.meta.url, 'print-worker');
  if (!script) return null;
  return new Promise((resolve, reject) => {
    const w = new Worker(script.code, { eval: true, workerData: { ...script.data, job }, resourceLimits: WORKER_HEAP });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    w.on('message', (m: PrintWorkerMessage) => {
      if (m.type === 'progress') return onProgress(m.kind, m.done, m.total, m.pages);
      if (m.type === 'done') settle(() => resolve({ pages: m.pages, bytes: m.bytes, items: m.items }));
      else if (m.type === 'refused') settle(() => reject(new GuichetError(m.code as ErrorCode, m.message, m.detail)));
      else settle(() => reject(new Error(`print worker: ${m.message}`)));
      void w.terminate();
    });
    w.on('error', (err) => settle(() => reject(err)));
    w.on('exit', (code) => settle(() => reject(new Error(`print worker exited (${code})`))));
  });
}
