import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_MIGRATIONS } from '../../domains.js';
import { openMigratedDb } from '../sqlite.js';
import { replicaScopeActsMigration } from './004-replica-scope-acts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('client migrations: core 4 replica-scope-acts', () => {
  it('renames the acts collections of the stored replica scope, so the next login keeps the replica and the queue', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
    dirs.push(dir);
    const file = join(dir, 'guichet.sqlite');
    const before = CLIENT_MIGRATIONS.map((s) =>
      s.domain === 'core' ? { ...s, migrations: s.migrations.slice(0, replicaScopeActsMigration.version - 1) } : s,
    );
    const old = openMigratedDb(file, before);
    const scope = {
      insee: '10387',
      collections: ['actes.acts', 'actes.classification', 'actes.status', 'electoral.demands', 'electoral.electors', 'electoral.imports'],
    };
    old.prepare("INSERT INTO sync_state (key, value) VALUES ('replica_scope', ?)").run(JSON.stringify(scope));
    old.close();

    const db = openMigratedDb(file, CLIENT_MIGRATIONS);
    const value = db.prepare("SELECT value FROM sync_state WHERE key = 'replica_scope'").pluck().get() as string;
    expect(JSON.parse(value)).toEqual({
      insee: '10387',
      collections: ['acts.acts', 'acts.classification', 'acts.status', 'electoral.demands', 'electoral.electors', 'electoral.imports'],
    });
    db.close();
  });

  it('does nothing on a PC that never logged in', () => {
    const db = openMigratedDb(':memory:', CLIENT_MIGRATIONS);
    expect(db.prepare("SELECT count(*) FROM sync_state WHERE key = 'replica_scope'").pluck().get()).toBe(0);
    db.close();
  });
});
