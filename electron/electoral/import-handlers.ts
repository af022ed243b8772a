/**
 * Importing the REU extract on the PC: a preview (parsed, checked and diffed
 * off the main thread, its rows staged in a file next to the database), the
 * diff pages, and the commit that replaces the local list and queues the
 * `electoral.import` command in one transaction.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { ElectoralChannels, ImportPreview } from '../../shared/electoral/ipc.js';
import { checkMassRemoval, removalShareOf } from '../../shared/electoral/mass-removal.js';
import { ELECTORAL_IMPORT_COMMAND } from '../../shared/electoral/schemas.js';
import type { Elector, ImportRecord } from '../../shared/electoral/types.js';
import { GuichetError } from '../../shared/errors.js';
import type { CoreContext } from '../core/client-domain.js';
import type { ChannelHandlers } from '../core/handlers.js';
import type { ElectorStore } from './elector-store.js';
import { computeImportDiff } from './import-diff.js';
import { canCheckpointOffThread, checkpointOffThread, prepareImport } from './import-host.js';
import { entriesPage, type PreparedImport } from './import-job.js';
import type { ImportStore } from './record-stores.js';

/** A preview holds the parsed file in memory until it is committed or cancelled. */
export const PREVIEW_TTL_MS = 30 * 60 * 1000;
const DIFF_SAMPLE = 50;

interface PendingImport {
  /** Parsed, checked, diffed and encoded (import-job.ts): the commit transaction only writes. */
  job: PreparedImport;
  /** Elector-store generation the diff was computed against. */
  generation: number;
  createdAt: number;
  /** Commune of the session that made the preview: the list belongs to it only. */
  insee: string | null;
  /** Whether the preview ran on the import worker (a large file): the commit's WAL is then copied there too. */
  offThread: boolean;
}

/** Where the last import spent its time (ms, wall), for the bench and the log; no personal data. */
export interface ImportTimings {
  /** Whether the preview's work ran on worker threads (import-host.ts), and on how many (1, or 2 = split in halves). */
  offThread?: boolean;
  workers?: number;
  /** Preview, as the caller waits for it (worker start and hand-over included). */
  previewMs?: number;
  /** Starting the worker thread (first large import of the process only). */
  workerStartMs?: number;
  /** Decode + CSV parse + row checks + ids (reu-parser.ts). */
  parseMs?: number;
  /** The same, in the rows half when the work is split over two workers. */
  rowsParseMs?: number;
  /** Sort keys, search text, display order (elector-store.ts prepareList). */
  prepareMs?: number;
  /** Read the local list + compare. */
  diffMs?: number;
  /** Rows written to the staging file (import-job.ts). */
  stageMs?: number;
  /** Outbox payload and diff entries serialised for the commit (import-job.ts). */
  encodeMs?: number;
  /** Commit: electors table + FTS5 index + secondary indexes. */
  writeMs?: number;
  /** Commit: import record + outbox command (the full list as JSON). */
  outboxMs?: number;
  /** Commit: the whole transaction, COMMIT included. */
  commitMs?: number;
}

type ImportChannels = Pick<
  ElectoralChannels,
  'electoral:import-preview' | 'electoral:import-diff' | 'electoral:import-cancel' | 'electoral:import-commit' | 'electoral:imports'
>;

export interface ImportHandlers {
  handlers: ChannelHandlers<ImportChannels>;
  /** Timings of the last import preview and commit. */
  lastImportTimings(): ImportTimings;
}

export function createImportHandlers(
  ctx: CoreContext,
  stores: { electors: ElectorStore; imports: ImportStore },
  log: Logger,
  /** Runs inside the import's transaction, on the new list (the demands' reconciliation, reconcile.ts). */
  afterImport?: (record: ImportRecord) => void,
): ImportHandlers {
  const db: Database.Database = ctx.db;
  const { electors, imports } = stores;
  const previews = new Map<string, PendingImport>();
  let timings: ImportTimings = {};

  // Each preview stages its rows in a file next to the database (import-job.ts), deleted when the
  // preview is committed, cancelled or expires; a crash can leave some behind, removed here.
  const stagingDir = db.memory ? tmpdir() : dirname(db.name);
  const stagingPrefix = `${db.memory ? 'guichet' : basename(db.name)}-import-`;
  const stagingFileOf = (previewId: string) => join(stagingDir, `${stagingPrefix}${previewId}.sqlite`);
  const dropStaging = (file: string) => rmSync(file, { force: true });
  if (!db.memory) {
    for (const f of readdirSync(stagingDir)) if (f.startsWith(stagingPrefix) && f.endsWith('.sqlite')) dropStaging(join(stagingDir, f));
  }
  /** ATTACH is refused inside a transaction: the staged rows are attached around the commit's. */
  function withStaging<T>(file: string, fn: () => T): T {
    if (!existsSync(file))
      throw new GuichetError(
        'not_found',
        "L'aperçu de cet import a expiré ou a été annulé : choisissez à nouveau le fichier.",
        'staging file missing',
      );
    db.prepare('ATTACH DATABASE ? AS import_staging').run(file);
    try {
      return fn();
    } finally {
      db.exec('DETACH DATABASE import_staging');
    }
  }
  /**
   * A large import's commit without SQLite's automatic checkpoint, which would copy its ~100 MB of WAL
   * into the database file inside the COMMIT, on this thread: the import worker does it afterwards
   * (import-host.ts checkpointOffThread). Only where that worker runs and nothing else already took
   * the checkpoints over (`wal_autocheckpoint` 0).
   */
  function withWalOffThread<T>(large: boolean, fn: () => T): T {
    const pages = db.memory ? 0 : Number(db.pragma('wal_autocheckpoint', { simple: true }));
    if (!large || pages <= 0 || !canCheckpointOffThread()) return fn();
    db.pragma('wal_autocheckpoint = 0');
    try {
      return fn();
    } finally {
      db.pragma(`wal_autocheckpoint = ${pages}`);
      void checkpointOffThread(db.name);
    }
  }

  function forget(previewId: string): void {
    const p = previews.get(previewId);
    if (!p) return;
    previews.delete(previewId);
    dropStaging(p.job.stagingFile);
  }

  const now = () => ctx.platform.now();
  const userName = () => ctx.session().user?.displayName ?? 'Utilisateur inconnu';

  function purgeExpired(): void {
    const t = now().getTime();
    for (const [id, p] of previews) if (t - p.createdAt > PREVIEW_TTL_MS) forget(id);
  }

  function preview(previewId: string): PendingImport {
    purgeExpired();
    const p = previews.get(previewId);
    if (!p)
      throw new GuichetError(
        'not_found',
        "L'aperçu de cet import a expiré ou a été annulé : choisissez à nouveau le fichier.",
        `preview ${previewId} unknown`,
      );
    return p;
  }

  /** An extract of another commune than the session's is refused before anything is kept. */
  function refuseOtherCommune(communeCode: string | null, stagingFile: string): void {
    const commune = ctx.session().commune;
    if (!communeCode || !commune || communeCode === commune.insee) return;
    dropStaging(stagingFile);
    log.warn({ code: 'import_rejected', detail: `extract commune ${communeCode} != session ${commune.insee}` }, 'REU extract refused');
    throw new GuichetError(
      'import_rejected',
      `Cet extrait est celui de la commune ${communeCode}, pas de ${commune.name} (${commune.insee}) : vérifiez le fichier téléchargé depuis le REU.`,
      `extract commune ${communeCode} != session ${commune.insee}`,
    );
  }

  function previewResult(previewId: string, fileName: string, job: PreparedImport): ImportPreview {
    return {
      previewId,
      fileName,
      fileSha256: job.sha256,
      extractDate: job.extractDate,
      encoding: job.encoding,
      counts: job.counts,
      total: job.total,
      diff: job.diff,
      diffSample: entriesPage(job.entries, 0, DIFF_SAMPLE),
      warnings: job.warnings,
      alreadyImported: imports.hasHash(job.sha256),
      removal: removalShareOf(job.diff.removed, electors.count(null)),
    };
  }

  /** Logged into another commune since the preview: that list must not land in this commune's replica. */
  function assertSameCommune(previewId: string, p: PendingImport): void {
    const commune = ctx.session().commune;
    if (p.insee === (commune?.insee ?? null)) return;
    forget(previewId);
    const detail = `preview of ${p.insee ?? 'none'} committed in ${commune?.insee ?? 'none'}`;
    log.warn({ code: 'import_rejected', detail }, 'REU extract refused');
    throw new GuichetError(
      'import_rejected',
      'Cet aperçu a été préparé pour une autre commune que celle de la session ouverte : choisissez à nouveau le fichier.',
      detail,
    );
  }

  /** The commit's one transaction: the staged list replaces the local one, the import record and its command are queued. */
  function writeImport(p: PendingImport, confirmMassRemoval: boolean): ImportRecord {
    const { job } = p;
    const total = job.total;
    return db.transaction((): ImportRecord => {
      // A sync may have changed the list since the preview: count the diff against what is replaced
      // (rare, so the electors are only rebuilt from their JSON then).
      const diff =
        electors.generation() === p.generation
          ? p.job.diff
          : computeImportDiff(electors.comparable(), JSON.parse(gunzipSync(job.electorsGzip).toString('utf8')) as Elector[]).diff;
      // A file removing much of the list lands only when confirmed (judged on the list it replaces now).
      const refusal = checkMassRemoval(removalShareOf(diff.removed, electors.count(null)), confirmMassRemoval);
      if (refusal) throw new GuichetError(refusal.code, refusal.message, refusal.detail);
      let t = performance.now();
      electors.replaceAllStaged('import_staging');
      timings.writeMs = performance.now() - t;
      t = performance.now();
      const rec: ImportRecord = {
        id: randomUUID(),
        fileName: job.fileName,
        fileSha256: job.sha256,
        extractDate: job.extractDate,
        importedAtLocal: now().toISOString(),
        importedBy: userName(),
        counts: job.counts,
        diff,
      };
      imports.put(rec, null);
      // The `electoral.import` payload ({ import, electors }: ElectoralImportPayload) as gzip members,
      // its elector array serialised and compressed by the preview's job rather than here.
      ctx.outbox.enqueueCommandJson({
        name: ELECTORAL_IMPORT_COMMAND,
        payloadJson: [
          gzipSync(`{"import":${JSON.stringify(rec)},"confirmMassRemoval":${confirmMassRemoval},"electors":`),
          job.electorsGzip,
          gzipSync('}'),
        ],
        summary: `Import de la liste électorale (${total} électeur${total > 1 ? 's' : ''})`,
      });
      timings.outboxMs = performance.now() - t;
      afterImport?.(rec);
      return rec;
    })();
  }

  async function preparePreview(fileName: string, content: Uint8Array): Promise<ImportPreview> {
    ctx.requirePermission('electoral.import');
    purgeExpired();
    const started = performance.now();
    // Taken before the work starts: any write meanwhile bumps it, and the commit then diffs again.
    const generation = electors.generation();
    const previewId = randomUUID();
    const stagingFile = stagingFileOf(previewId);
    let job: PreparedImport & { offThread: boolean; workers: number; workerStartMs: number };
    try {
      job = await prepareImport({
        fileName,
        bytes: content,
        stagingFile,
        dbFile: db.memory ? null : db.name,
        readCurrent: () => electors.comparable(),
        onProgress: (phase, done, total) => ctx.emit('electoral:import-progress', { phase, done, total }),
      });
    } catch (err) {
      dropStaging(stagingFile);
      if (err instanceof GuichetError) log.warn({ code: err.code, detail: err.detail, bytes: content.byteLength }, 'REU extract refused');
      throw err;
    }
    timings = {
      offThread: job.offThread,
      workers: job.workers,
      previewMs: performance.now() - started,
      workerStartMs: job.workerStartMs,
      ...job.timings,
    };
    const commune = ctx.session().commune;
    refuseOtherCommune(job.communeCode, stagingFile);
    const { diff } = job;
    previews.set(previewId, { job, generation, createdAt: now().getTime(), insee: commune?.insee ?? null, offThread: job.offThread });
    log.info(
      { previewId, rows: job.total, encoding: job.encoding, ms: Math.round(timings.previewMs!), offThread: job.offThread, ...diff },
      'REU extract parsed',
    );
    return previewResult(previewId, fileName, job);
  }

  function commitPreview(previewId: string, confirmMassRemoval: boolean) {
    ctx.requirePermission('electoral.import');
    const p = preview(previewId);
    assertSameCommune(previewId, p);
    const { job } = p;
    const total = job.total;
    ctx.emit('electoral:import-progress', { phase: 'enregistrement', done: 0, total });
    const started = performance.now();
    const record = withWalOffThread(p.offThread, () => withStaging(job.stagingFile, () => writeImport(p, confirmMassRemoval)));
    timings.commitMs = performance.now() - started;
    forget(previewId);
    ctx.emit('electoral:import-progress', { phase: 'enregistrement', done: total, total });
    log.info({ importId: record.id, rows: total, ms: Math.round(timings.commitMs), ...record.diff }, 'REU extract imported');
    ctx.requestSync();
    return record;
  }

  const handlers: ChannelHandlers<ImportChannels> = {
    // An update's restart waits for a running import (core/busy.ts).
    'electoral:import-preview': ({ fileName, content }) =>
      ctx.busy.run('import', 'lecture de la liste électorale', () => preparePreview(fileName, content)),

    'electoral:import-diff': ({ previewId, offset, limit }) => {
      ctx.requirePermission('electoral.import');
      const p = preview(previewId);
      return { total: p.job.entries.count, items: entriesPage(p.job.entries, offset, limit) };
    },

    'electoral:import-cancel': ({ previewId }) => {
      ctx.requirePermission('electoral.import');
      forget(previewId);
      return null;
    },

    'electoral:import-commit': ({ previewId, confirmMassRemoval }) =>
      ctx.busy.run('import', 'enregistrement de la liste électorale', async () => commitPreview(previewId, confirmMassRemoval === true)),

    'electoral:imports': () => {
      ctx.requirePermission('electoral.read');
      return imports.list();
    },
  };

  return { handlers, lastImportTimings: () => ({ ...timings }) };
}
