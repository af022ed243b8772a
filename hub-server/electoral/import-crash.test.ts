import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { PullResponse, PushResponse } from '../../shared/sync/protocol.js';
import { insertCollectivite, insertUser, openSession } from '../accounts/store.js';
import { openHubDb } from '../db/open.js';
import { hubSqliteFile } from '../server.js';
import { sweepStaged } from '../sync/store.js';
import { makeElector, makeImportRecord } from './test-fixtures.js';

/**
 * kill -9 of a SQLite hub in the middle of a large import, while its rows are staged in short statements
 * (hub-server/sync/push.ts): the list lands whole or not at all. After the restart, the PC's retry of the
 * same mutation is applied once, and a further retry is answered from the stored result.
 */
const ENTRY = new URL('../../build/bench/load-hub-entry.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'guichet-import-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startHub(): Promise<{ url: string; kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, GUICHET_LOAD_HUB: JSON.stringify({ dataDir: dir, logLevel: 'warn' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          kill: () => {
            child.kill('SIGKILL');
            return exited;
          },
        });
    });
    child.on('exit', () => reject(new Error(`hub exited: ${out.slice(-2000)}`)));
  });
}

describe('a hub killed mid-import (sqlite)', () => {
  it('keeps no partial list, then applies the retried import exactly once', { timeout: 300_000 }, async () => {
    const db = await openHubDb({ file: hubSqliteFile(dir) });
    const c = await insertCollectivite(db, {
      kind: 'commune',
      insee: '10387',
      name: 'Troyes',
      siren: '211003870',
      arrondissement: null,
      members: [],
      services: ['electoral'],
    } as never);
    const user = await insertUser(db, { communeId: c.id, username: 'maire', displayName: 'maire', role: 'maire', passwordHash: 'x' });
    const { token } = await openSession(db, { communeId: c.id, userId: user.id, deviceName: 'PC' });
    await db.destroy();

    const electors = Array.from({ length: 20_000 }, (_, i) => makeElector(i + 1));
    const mutation = { mutationId: 1, kind: 'command', name: 'electoral.import', payload: { import: makeImportRecord(20_000), electors } };
    const body = gzipSync(JSON.stringify({ mutations: [mutation] }));
    const push = (url: string) =>
      fetch(`${url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      });
    const peek = new Database(hubSqliteFile(dir), { readonly: true, fileMustExist: true });
    const count = (sql: string) => (peek.prepare(sql).get() as { n: number }).n;
    const electorRows = () => count(`select count(*) as n from sync_records where collection = 'electoral.electors'`);

    // First hub: killed once part of the list is staged.
    const first = await startHub();
    const sent = push(first.url).catch(() => null);
    let staged = 0;
    for (let i = 0; i < 6000 && staged === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      staged = count('select count(*) as n from sync_staging');
    }
    await first.kill();
    expect(await sent).toBeNull(); // the PC got no answer: it keeps the mutation queued
    expect(staged).toBeGreaterThan(0);
    expect(count('select count(*) as n from sync_staging')).toBeLessThan(20_000); // killed mid-way
    expect(electorRows()).toBe(0);
    expect(count('select count(*) as n from device_mutations')).toBe(0);

    // Second hub: the PC retries the same mutation; applied once, whole.
    const second = await startHub();
    try {
      const res = await push(second.url);
      expect(res.status).toBe(200);
      expect(((await res.json()) as PushResponse).results[0]?.status).toBe('applied');
      expect(electorRows()).toBe(20_000);
      const seq = count('select last_seq as n from commune_sync');
      const again = await push(second.url);
      expect(((await again.json()) as PushResponse).results[0]?.status).toBe('applied');
      expect(count('select last_seq as n from commune_sync')).toBe(seq); // answered from the stored result
      const pulled = await fetch(`${second.url}/api/v1/sync/pull?cursor=${seq - 1}&limit=10`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await pulled.json()) as PullResponse).changes.map((r) => r.collection)).toEqual(['electoral.imports']);
    } finally {
      await second.kill();
    }
    // What the crash left staged is never read; the maintenance sweep removes it.
    peek.close();
    const after = await openHubDb({ file: hubSqliteFile(dir) });
    try {
      expect(await sweepStaged(after, new Date(Date.now() + 60_000).toISOString())).toBeGreaterThanOrEqual(staged);
      expect(
        Number(
          (
            await after
              .selectFrom('sync_staging')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ).toBe(0);
    } finally {
      await after.destroy();
    }
  });
});
