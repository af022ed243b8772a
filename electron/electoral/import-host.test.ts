import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateReuRows, renderReuCsv } from '../../shared/electoral/synthetic.js';
import { GuichetError } from '../../shared/errors.js';
import { createElectorStore, type ElectorStore } from './elector-store.js';
import { canCheckpointOffThread, checkpointOffThread, prepareImport } from './import-host.js';
import { entriesPage } from './import-job.js';
import { parseReuExtract } from './reu-parser.js';
import { utf8Bytes } from './reu-variants.js';
import { createStandaloneContext, type StandaloneContext } from '../core/test-context.js';

const OPTS = { seed: 11, count: 3000, inseeCode: '10387', communeName: 'Troyes' };

let dir: string;
let sc: StandaloneContext;
let store: ElectorStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-import-host-'));
  sc = createStandaloneContext({ dataDir: dir, logLevel: 'warn' });
  store = createElectorStore(sc.db);
});
afterEach(() => {
  sc.close();
  rmSync(dir, { recursive: true, force: true });
});

let staged = 0;
function run(bytes: Uint8Array, offThread: boolean, onProgress?: (phase: string, done: number) => void, workers = 2) {
  return prepareImport({
    fileName: 'com10387_LP_02-03-2026.csv',
    bytes,
    stagingFile: join(dir, `staging-${++staged}.sqlite`),
    dbFile: sc.db.name,
    readCurrent: () => store.comparable(),
    offThreadMinBytes: offThread ? 0 : Infinity,
    onProgress,
    workers,
  });
}

describe('import preview off the main thread', () => {
  it.each([1, 2])(
    'gives exactly what the main thread gives, reading the current list from the database file (%i worker(s))',
    async (workers) => {
      const rows = generateReuRows(OPTS);
      // A current list to diff against: the same extract with some electors gone and some moved.
      const current = parseReuExtract('x.csv', utf8Bytes(renderReuCsv(rows))).electors.filter((_, i) => i % 7 !== 0);
      for (let i = 0; i < current.length; i += 11) current[i] = { ...current[i], bureau: { code: '9999', label: null } };
      sc.db.transaction(() => store.replaceAll(current, () => 3))();
      const bytes = utf8Bytes(renderReuCsv(rows));

      const phases: string[] = [];
      const worker = await run(bytes, true, (phase) => phases.push(phase), workers);
      const local = await run(bytes, false);
      expect(worker.offThread).toBe(true);
      expect(worker.workers).toBe(workers);
      expect(local.offThread).toBe(false);
      expect(bytes.byteLength).toBeGreaterThan(0); // the caller's buffer is copied, not taken
      expect(new Set(phases)).toEqual(new Set(['lecture', 'controle', 'comparaison']));

      const { timings: _a, offThread: _b, workerStartMs: _e, workers: _g, stagingFile: ws, ...w } = worker;
      const { timings: _c, offThread: _d, workerStartMs: _f, workers: _h, stagingFile: ls, ...l } = local;
      expect(w.diff).toEqual(l.diff);
      expect(w.diff.added).toBeGreaterThan(0);
      expect(w.diff.changedBureau).toBeGreaterThan(0);
      expect(w).toEqual(l);
      const stagedRows = (file: string) => {
        const db = new Database(file, { readonly: true });
        const rows = db.prepare('SELECT * FROM staged_electors ORDER BY rid').all();
        db.close();
        return rows;
      };
      const rowsW = stagedRows(ws);
      expect(rowsW).toHaveLength(3000);
      expect(rowsW).toEqual(stagedRows(ls));
      expect(entriesPage(w.entries, 10, 5)).toEqual(entriesPage(l.entries, 10, 5));
      expect(JSON.parse(gunzipSync(w.electorsGzip).toString('utf8'))).toHaveLength(3000);
    },
  );

  it('brings a refusal back as the same GuichetError', async () => {
    const rows = generateReuRows({ ...OPTS, count: 50 });
    rows[9] = { ...rows[9], birthDate: '31/02/1950' };
    const bytes = utf8Bytes(renderReuCsv(rows));
    const refusal = async (offThread: boolean) => {
      try {
        await run(bytes, offThread);
      } catch (err) {
        return err as GuichetError;
      }
      throw new Error('accepted');
    };
    const [w, l] = [await refusal(true), await refusal(false)];
    expect(w).toBeInstanceOf(GuichetError);
    expect({ code: w.code, message: w.message, detail: w.detail }).toEqual({ code: l.code, message: l.message, detail: l.detail });
    expect(w.message).toBe('Ligne 11 : la date de naissance est invalide (31/02/1950).');
  });

  it('does the work on the main thread when the worker breaks down (here: cannot open the database)', async () => {
    const bytes = utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 100 })));
    const result = await prepareImport({
      fileName: 'x.csv',
      bytes,
      stagingFile: join(dir, 'fallback.sqlite'),
      dbFile: join(dir, 'no-such-file.sqlite'),
      readCurrent: () => store.comparable(),
      offThreadMinBytes: 0,
    });
    expect(result.offThread).toBe(false);
    expect(result.total).toBe(100);
  });

  it('keeps the event loop serving while a large extract is read', async () => {
    const bytes = utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 20_000 })));
    await run(utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 10 }))), true); // worker started
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const t = performance.now();
      longest = Math.max(longest, t - last);
      last = t;
    }, 1);
    const result = await run(bytes, true);
    clearInterval(timer);
    expect(result.offThread).toBe(true);
    expect(result.total).toBe(20_000);
    // On the main thread this parse holds the loop for hundreds of ms; off it, only the hand-over does.
    expect(longest).toBeLessThan(300);
  });

  it('copies the WAL into the database file on the worker, the main connection going on meanwhile', async () => {
    await run(utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 10 }))), true); // worker started
    expect(canCheckpointOffThread()).toBe(true);
    sc.db.pragma('wal_checkpoint(TRUNCATE)');
    sc.db.pragma('wal_autocheckpoint = 0');
    const electors = parseReuExtract('x.csv', utf8Bytes(renderReuCsv(generateReuRows(OPTS)))).electors;
    sc.db.transaction(() => store.replaceAll(electors, () => null))();
    const fileSize = () => statSync(sc.db.name).size;
    const before = fileSize();
    await checkpointOffThread(sc.db.name);
    // The pages of the 3 000 electors left the WAL for the file; the main connection still reads them.
    expect(fileSize()).toBeGreaterThan(before + 500_000);
    const [state] = sc.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    expect(state.checkpointed).toBe(state.log);
    expect(store.count(null)).toBe(3000);
  });

  it('runs from the bundled worker script the packaged app ships (vite --mode import-worker)', async () => {
    // Built inside the repository so the bundle's require('better-sqlite3') resolves as in the app.
    const root = join(import.meta.dirname, '..', '..');
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    const out = mkdtempSync(join(root, 'node_modules', '.cache', 'guichet-import-worker-'));
    try {
      await promisify(execFile)(
        join(root, 'node_modules', '.bin', 'vite'),
        ['build', '--config', join(root, 'electron', 'vite.config.ts'), '--mode', 'import-worker', '--outDir', out],
        { cwd: root },
      );
      const rows = generateReuRows({ ...OPTS, count: 200 });
      const worker = new Worker(`require(require('node:worker_threads').workerData.entry);`, {
        eval: true,
        workerData: { entry: join(out, 'import-worker.cjs') },
      });
      const answer = await new Promise<{ type: string; result?: { total: number; diff: unknown } }>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (m: { type: string }) => {
          if (m.type === 'ready') {
            worker.postMessage({
              jobId: 1,
              fileName: 'x.csv',
              bytes: utf8Bytes(renderReuCsv(rows)),
              dbFile: sc.db.name,
              stagingFile: join(dir, 'bundled.sqlite'),
            });
          } else if (m.type !== 'progress') resolve(m);
        });
      });
      await worker.terminate();
      expect(answer.type).toBe('done');
      expect(answer.result).toMatchObject({ total: 200, diff: { added: 200, removed: 0, changedBureau: 0, changedAddress: 0 } });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
