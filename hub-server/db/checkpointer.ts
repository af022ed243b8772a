import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints of the hub's SQLite file, on a thread of their own.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past 1 000 pages, on the
 * connection that commits: with better-sqlite3 that is the hub's event loop. Landing an import of
 * 35 000 electors (≈ 20 MB of WAL) then took ≈ 0.5 s more in its COMMIT copying pages into the main file
 * (/tmp/exp measurement: commit 739 ms with the automatic checkpoint, 204 ms without), and every
 * other commune's request waited behind it; ordinary writes paid smaller stalls every few MB.
 *
 * So the server turns the automatic checkpoint off on its connection and a worker thread, with its
 * own connection to the same file, runs `PRAGMA wal_checkpoint(PASSIVE)` every second. PASSIVE never
 * waits for or blocks the hub's readers and writer; once every frame is copied, the next write starts
 * the WAL from its beginning again (its size is bounded by `journal_size_limit`). If the thread cannot
 * run, the hub's own connection goes back to automatic checkpoints: slower, never unbounded.
 */
export interface Checkpointer {
  /** Last checkpoint, then the thread closes its connection; resolves once the thread is gone. */
  stop(): Promise<void>;
}

const INTERVAL_MS = 1_000;
/** Bytes the WAL file keeps once reset (SQLite truncates it to this size after a full checkpoint). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;
const AUTOMATIC_PAGES = 1_000; // SQLite's default

// Plain CommonJS, evaluated as the worker: no build step, the hub also runs from TypeScript sources.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(sqlite: Database.Database, file: string, onError: (e: Error) => void = () => {}): Checkpointer {
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  sqlite.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs: INTERVAL_MS },
  });
  worker.unref();
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (e: Error) => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOMATIC_PAGES}`);
    onError(e);
  };
  worker.on('error', fallBack);
  worker.on('exit', (code) => {
    if (!stopped && code !== 1) fallBack(new Error(`WAL checkpoint thread exited (${code})`));
  });
  return {
    stop() {
      if (!stopped) {
        stopped = true;
        worker.ref(); // a caller awaiting the end keeps the process alive until the thread is gone
        worker.postMessage('stop');
      }
      return exited;
    },
  };
}
