import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMigratedDb } from '../sqlite.js';
import { CLIENT_MIGRATIONS } from '../../domains.js';
import { actsNameMigration } from './002-acts-name.js';
import { schemaVersionsOf } from './runner.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('client migrations: core 2 acts-name', () => {
  it('renames queued changes, kept refusals and the stored services from actes to acts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-db-'));
    dirs.push(dir);
    const file = join(dir, 'guichet.sqlite');
    // Every domain's tables, the core's up to the step before this one.
    const before = CLIENT_MIGRATIONS.map((s) =>
      s.domain === 'core' ? { ...s, migrations: s.migrations.slice(0, actsNameMigration.version - 1) } : s,
    );
    const db3 = openMigratedDb(file, before);
    const insert = db3.prepare(
      "INSERT INTO outbox (mutation_id, kind, collection, record_id, entry, summary, created_at) VALUES (?, ?, ?, ?, ?, 's', '2026-12-01T10:00:00Z')",
    );
    insert.run(
      1,
      'upsert',
      'actes.acts',
      'a1',
      JSON.stringify({
        kind: 'upsert',
        collection: 'actes.acts',
        recordId: 'a1',
        baseVersion: null,
        data: { id: 'a1', objet: 'actes.acts' },
        summary: 's',
      }),
    );
    insert.run(2, 'command', null, null, JSON.stringify({ kind: 'command', name: 'actes.transmit', payload: { id: 'a1' }, summary: 's' }));
    insert.run(
      3,
      'upsert',
      'electoral.demands',
      'd1',
      JSON.stringify({ kind: 'upsert', collection: 'electoral.demands', recordId: 'd1', baseVersion: 2, data: {}, summary: 's' }),
    );
    db3
      .prepare(
        "INSERT INTO rejected_changes (mutation_id, collection, record_id, summary, reason, rejected_at) VALUES (9, 'actes.acts', 'a0', 's', '{}', 'x')",
      )
      .run();
    db3
      .prepare("INSERT INTO sync_state (key, value) VALUES ('session', ?)")
      .run(JSON.stringify({ commune: { services: ['electoral', 'actes'] } }));
    db3.close();

    const db = openMigratedDb(file, CLIENT_MIGRATIONS);
    expect(schemaVersionsOf(db).core).toBeGreaterThanOrEqual(actsNameMigration.version);
    const rows = db.prepare('SELECT collection, entry FROM outbox ORDER BY mutation_id').all() as {
      collection: string | null;
      entry: string;
    }[];
    expect(rows.map((r) => r.collection)).toEqual(['acts.acts', null, 'electoral.demands']);
    expect(JSON.parse(rows[0].entry)).toMatchObject({ collection: 'acts.acts', data: { objet: 'actes.acts' } });
    expect(JSON.parse(rows[1].entry)).toMatchObject({ name: 'acts.transmit', payload: { id: 'a1' } });
    expect(db.prepare('SELECT collection FROM rejected_changes').get()).toEqual({ collection: 'acts.acts' });
    const session = JSON.parse((db.prepare("SELECT value FROM sync_state WHERE key = 'session'").get() as { value: string }).value);
    expect(session.commune.services).toEqual(['electoral', 'acts']);
    db.close();
  });
});
