import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.js';
import { closeHubDb, openHubDb } from './open.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-ckpt-'));
  dirs.push(dir);
  return join(dir, 'hub.sqlite');
};

async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('WAL checkpoints of the SQLite hub', () => {
  it('leave the commits on the event loop: the worker copies the WAL into the file afterwards', async () => {
    const file = tempFile();
    const errors: Error[] = [];
    const db = await openHubDb({ file, backgroundCheckpoints: { onError: (e) => errors.push(e) } });
    try {
      // The hub's own connection never checkpoints inside a commit.
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
      expect(rows[0]?.wal_autocheckpoint).toBe(0);

      const sizeBefore = statSync(file).size;
      await sql`create table bulk (x text)`.execute(db);
      const text = 'é'.repeat(4_000);
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 1_000; i++) await sql`insert into bulk values (${`${i}${text}`})`.execute(trx);
      });
      // ≈ 8 MB written: they reach the main file only through the worker's checkpoint.
      expect(await until(() => statSync(file).size > sizeBefore + 7_000_000)).toBe(true);
      const probe = new Database(file, { readonly: true });
      expect((probe.prepare('select count(*) as n from bulk').get() as { n: number }).n).toBe(1_000);
      probe.close();
      expect(errors).toEqual([]);
    } finally {
      await closeHubDb(db);
    }
  });

  it('are over when the hub database is closed: nothing touches its folder afterwards', async () => {
    const file = tempFile();
    const db = await openHubDb({ file, backgroundCheckpoints: { onError: () => {} } });
    await sql`create table t (x text)`.execute(db);
    await sql`insert into t values ('a')`.execute(db);
    await closeHubDb(db);
    // The last connection to close deletes the -wal and -shm: the thread's one is closed too, not about to
    // open or close (which would create or delete them under a removal of the folder).
    const touched: string[] = [];
    const watcher = watch(join(file, '..'), (_event, name) => touched.push(String(name)));
    await new Promise((r) => setTimeout(r, 1_500));
    watcher.close();
    expect(touched).toEqual([]);
    expect(readdirSync(join(file, '..'))).toEqual(['hub.sqlite']);
  });

  it('keep a process that awaits the close alive until the thread is gone (a script ending on closeHubDb exits 0)', () => {
    const file = tempFile();
    const script = join(file, '..', 'close.mts');
    const open = pathToFileURL(join(import.meta.dirname, 'open.ts')).href;
    writeFileSync(
      script,
      `import { closeHubDb, openHubDb } from ${JSON.stringify(open)};
const db = await openHubDb({ file: ${JSON.stringify(file)}, backgroundCheckpoints: { onError: () => {} } });
await closeHubDb(db);
console.log('closed');`,
    );
    // Node exits with 13 when the loop empties under a pending top-level await: an unref'd thread is not enough.
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: run.status, out: run.stdout.trim() }).toEqual({ status: 0, out: 'closed' });
  });

  it('falls back to automatic checkpoints on the hub connection when the thread cannot run', async () => {
    const file = tempFile();
    const sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    const errors: Error[] = [];
    // The worker's connection requires the file: a wrong path makes it fail at start.
    startCheckpointer(sqlite, `${file}.absent`, (e) => errors.push(e));
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(await until(() => errors.length > 0)).toBe(true);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    sqlite.close();
  });
});
