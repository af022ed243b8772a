/**
 * What an REU import leaves on the PC, reduced to hashes: the `electors`
 * rows, the FTS5 shadow tables, the import records, the outbox (command
 * payloads un-gzipped) and the preview (counts, diff, every diff entry).
 * Run before and after a change of the import path
 * (`npx tsx electron/electoral/import-dump.ts > out.json`, then compare):
 * the same extracts must leave the same bytes. Random ids and clocks are
 * replaced by fixed text before hashing.
 */
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportPreview } from '../../shared/electoral/ipc.js';
import { generateReuExtract, generateReuRows, renderReuCsv } from '../../shared/electoral/synthetic.js';
import { createStandaloneContext } from '../core/test-context.js';
import type { SyncOutbox } from '../sync/outbox.js';
import { createElectoralModule } from './module.js';
import { asWindows1252, utf8Bytes, withBomAndCrlf } from './reu-variants.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex').slice(0, 16);

function tableHash(db: Database.Database, table: string, order: string): string {
  const h = createHash('sha256');
  for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw(true).iterate() as Iterable<unknown[]>)
    h.update(JSON.stringify(row.map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : v))));
  return h.digest('hex').slice(0, 16);
}

/** Import record ids and local times vary by run: fixed text instead. */
function normalised(text: string, ids: string[]): string {
  let out = text.replace(/"importedAtLocal":"[^"]*"/g, '"importedAtLocal":"T"');
  for (const [i, id] of ids.entries()) out = out.split(id).join(`import-${i}`);
  return out;
}

function dumpDb(db: Database.Database, outbox: SyncOutbox): Record<string, string> {
  const ids = (db.prepare('SELECT id FROM electoral_imports ORDER BY rowid').pluck().all() as string[]) ?? [];
  const out: Record<string, string> = {
    electors: tableHash(db, 'electors', 'rid'),
    electorCount: String(db.prepare('SELECT count(*) FROM electors').pluck().get()),
  };
  for (const t of db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'electors_fts_%' ORDER BY name")
    .pluck()
    .all() as string[])
    out[t] = tableHash(db, t, '1');
  out.imports = sha(normalised(JSON.stringify(db.prepare('SELECT * FROM electoral_imports ORDER BY rowid').raw(true).all()), ids));
  // Through the outbox's API (only sync-store.ts issues SQL on the sync tables): entries un-gzipped.
  out.outbox = sha(normalised(JSON.stringify(outbox.list().map((q) => ({ ...q, createdAt: null }))), ids));
  return out;
}

async function importAll(name: string, files: { fileName: string; bytes: Uint8Array }[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-import-dump-'));
  try {
    const sc = createStandaloneContext({ dataDir: join(dir, 'client'), logLevel: 'warn', now: () => new Date('2026-03-05T10:00:00Z') });
    const mod = createElectoralModule(sc.ctx);
    const h = mod.handlers;
    const previews: string[] = [];
    for (const f of files) {
      const p = (await h['electoral:import-preview']({ fileName: f.fileName, content: f.bytes })) as ImportPreview;
      const entries = h['electoral:import-diff']({ previewId: p.previewId, offset: 0, limit: 1_000_000 }) as { items: unknown[] };
      previews.push(sha(JSON.stringify({ ...p, previewId: null, entries: entries.items })));
      h['electoral:import-commit']({ previewId: p.previewId, confirmMassRemoval: true });
    }
    const out = { name, previews, ...dumpDb(sc.db, sc.outbox) };
    sc.close();
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const opts = { seed: 2026, count: 100_000, inseeCode: '10387', communeName: 'Troyes', extractDate: '2026-03-02' };
const results: Record<string, unknown>[] = [];
const big = generateReuExtract(opts);
// The bench's second extract: a bureau moved every 500 rows.
const rows = generateReuRows(opts);
for (let i = 0; i < rows.length; i += 500) rows[i] = { ...rows[i], bureauCode: rows[i].bureauCode === '0001' ? '0002' : '0001' };
results.push(
  await importAll('bench-100000-then-moves', [
    { fileName: big.fileName, bytes: utf8Bytes(big.csv) },
    { fileName: 'com10387_electeurs_actifs_02-04-2026.csv', bytes: utf8Bytes(renderReuCsv(rows)) },
  ]),
);
for (const [seed, count] of [
  [7, 3000],
  [11, 12_000],
] as const) {
  const x = generateReuExtract({ ...opts, seed, count });
  results.push(await importAll(`utf8-${count}`, [{ fileName: x.fileName, bytes: utf8Bytes(x.csv) }]));
  results.push(await importAll(`cp1252-${count}`, [{ fileName: x.fileName, bytes: asWindows1252(x.csv) }]));
  results.push(await importAll(`bom-crlf-${count}`, [{ fileName: x.fileName, bytes: withBomAndCrlf(x.csv) }]));
}
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
