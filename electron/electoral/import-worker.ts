/**
 * Worker thread of the REU import preview (started by import-host.ts): runs
 * runImportJob off the main thread, reading the current list through its own
 * read-only connection to the client database (WAL lets it read while the
 * main thread keeps serving). Messages carry no personal data but the result.
 */
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { GuichetError } from '../../shared/errors.js';
import { createElectorStore } from './elector-store.js';
import { runImportJob, runPayloadJob, runRowsJob } from './import-job.js';

export type ImportWorkerRequest = ImportJobRequest | CheckpointRequest;

/** Copy the client database's WAL into its file (after an import's commit, import-host.ts checkpointOffThread). */
export interface CheckpointRequest {
  jobId: number;
  part: 'checkpoint';
  dbFile: string;
}

export interface ImportJobRequest {
  jobId: number;
  /** The whole job, or one of its halves when two workers share it (import-host.ts). */
  part: 'all' | 'rows' | 'payload';
  fileName: string;
  bytes: Uint8Array;
  /** Client database file the current list is read from. */
  dbFile: string;
  stagingFile: string;
}

export type ImportJobMessage =
  | { jobId: number; type: 'progress'; phase: 'lecture' | 'controle' | 'comparaison'; done: number; total: number }
  | { jobId: number; type: 'done'; result: Awaited<ReturnType<typeof runImportJob | typeof runRowsJob | typeof runPayloadJob>> | null }
  | { jobId: number; type: 'refused'; code: string; message: string; detail: string }
  | { jobId: number; type: 'failed'; message: string };

const port = parentPort!;

function readCurrent(dbFile: string) {
  return () => {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return createElectorStore(db).comparable();
    } finally {
      db.close();
    }
  };
}

/** PASSIVE: never waits for, nor blocks, the main thread's readers and writer. */
function checkpoint(dbFile: string): void {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    db.close();
  }
}

port.on('message', async (req: ImportWorkerRequest) => {
  const { jobId } = req;
  try {
    if (req.part === 'checkpoint') {
      checkpoint(req.dbFile);
      port.postMessage({ jobId, type: 'done', result: null } satisfies ImportJobMessage);
      return;
    }
    const progress = (phase: 'lecture' | 'controle' | 'comparaison', done: number, total: number) =>
      port.postMessage({ jobId, type: 'progress', phase, done, total } satisfies ImportJobMessage);
    if (req.part === 'rows') {
      port.postMessage({
        jobId,
        type: 'done',
        result: await runRowsJob(req.fileName, req.bytes, req.stagingFile),
      } satisfies ImportJobMessage);
      return;
    }
    const result =
      req.part === 'payload'
        ? await runPayloadJob(req.fileName, req.bytes, readCurrent(req.dbFile), progress)
        : await runImportJob(req.fileName, req.bytes, req.stagingFile, readCurrent(req.dbFile), progress);
    // The binary parts are handed over, not copied; the entries' JSON string is copied once.
    port.postMessage({ jobId, type: 'done', result } satisfies ImportJobMessage, [
      result.entries.ends.buffer as ArrayBuffer,
      result.electorsGzip.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    if (err instanceof GuichetError)
      port.postMessage({
        jobId,
        type: 'refused',
        code: err.code,
        message: err.message,
        detail: err.detail ?? '',
      } satisfies ImportJobMessage);
    else port.postMessage({ jobId, type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies ImportJobMessage);
  }
});
port.postMessage({ type: 'ready' });
